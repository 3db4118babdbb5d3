// Placeholder until the Lake layer lands.
