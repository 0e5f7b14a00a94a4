"""Infrastructure: the CDK app and the local cloud that runs it on this machine."""

import os

# The machine's Node 20 still runs jsii correctly; its end-of-life banner would drown every synth.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
