# part: part1_autoencoders
# remove: add_noise
# breaks: add_noise
# status: missing
"""add_noise is not defined anywhere (deleted from the file)."""
