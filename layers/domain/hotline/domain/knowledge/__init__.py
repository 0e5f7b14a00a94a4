"""The knowledge base (知识库): articles agents answer consultations from, searched in Chinese."""
