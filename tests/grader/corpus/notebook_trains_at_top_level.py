# format: ipynb
# breaks: none
"""A notebook whose last cell trains for ever at top level, with IPython magics and a shell
escape: only definitions load, so it is graded like the rest, in seconds."""
%matplotlib inline
!pip install nothing-at-all
import time
encoder, decoder, vae = build_vae()
vae.compile(optimizer="adam")
while True:
    time.sleep(1)
