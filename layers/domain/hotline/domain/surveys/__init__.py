"""The callback survey (反馈回访): the customer's answer closes or reopens the ticket; no answer closes it."""
