"""Tickets about the same matter: similar tickets, binding them under a primary (参阅工单) and the primary's reply
reaching every bound customer, and repeat callers with their customer file and repeat complaints (重复投诉)."""
