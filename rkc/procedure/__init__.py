"""The Convention's amendment procedure: recommendations, party responses, entry into force."""
