__version__ = "0.0.1"
# `from red_nb import *` gives the public names of every stage
from .core import *
from .graph import *
from .channels import *
from .hashing import *
from .merging import *
from .budget import *
from .reconstruction import *
from .baselines import *
from .separation import *
from .evaluation import *
from .zoo import *
from .training import *
from .energy import *
from .resrep import *
