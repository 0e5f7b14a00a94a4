"""The domain: pure Python in capability packages (see the README's code map); no AWS, no environment."""
