"""Connectors to Exact Online: the OAuth handshake, the token engine, keep-alive and re-authorization."""
