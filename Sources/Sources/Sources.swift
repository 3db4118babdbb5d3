// Placeholder until the Sources layer lands.
