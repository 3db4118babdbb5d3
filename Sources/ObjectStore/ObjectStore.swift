// Placeholder until the ObjectStore layer lands.
