"""Pure functions on strings: the offset unit and the browser boundary, decoding, the tokenizer,
boilerplate cleaning. Nothing here imports the rest of annotator."""
