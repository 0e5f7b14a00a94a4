"""What customers are told and when: text messages from zh-CN templates, held back by quiet hours."""
