"""Major incidents (重大事件, seed 000 客服重大事件响应机制): a burst of similar tickets declared as one incident, its
tickets bound under a primary, leadership and ops alerted."""
