"""Online clustering: article -> event -> storyline, with stable ids and explanations."""
