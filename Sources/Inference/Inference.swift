// Placeholder until the Inference layer lands.
