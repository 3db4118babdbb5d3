// Placeholder until the Delimited layer lands.
