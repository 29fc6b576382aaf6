__version__ = "0.0.1"
# The public API: `from red_nb import *` gives what a user needs to compress, measure and compare.
# Everything else stays in its module (`from red_nb.merging import similar_neurons`, `from red_nb.channels import ChannelZoo`).
from .core import (Report, data_dir, cifar_resnet, cifar10, cifar10_exact100, load_checkpoint, CheckpointError,
                   predict, evaluate, count_cost, max_output_diff, check_exact, ExactnessError, measure_latency)
from .clock import LatencyTable, latency_table, layer_latency, fastest, conv_config
from .graph import fold_bn, UntraceableModelError, UnsupportedModelError
from .channels import channel_groups, supported_ops, Plan, apply_plans
from .zoo import fashion_mnist, LeNet300100, FashionCNN, lenet_300_100, fashion_cnn
from .hashing import ALPHA, hash_tensor, hash_weights, hash_columns, alpha_sweep, plot_kde
from .merging import merge_neurons, red_neurons
from .budget import channel_saliency, saliency_prune
from .reconstruction import synthetic_batch, reconstruct, synthetic_saliency, distill
from .depth import residual_blocks, remove_blocks, drop_blocks
from .baselines import l1_prune, neuron_merging
from .separation import SplitConv, SplitLinear, separate_convs, nc_stats, save_model, load_model
from .evaluation import (Stage, red_stages, REDResult, red, red_columns, synthetic_agreement, latency_ratio,
                         compare_methods, summary_table, plot_pareto, run_benchmark)
from .export import export_model, check_export
from .training import fine_tune
from .energy import energy_prune
from .resrep import add_compactors, resrep_train, resrep_convert

__all__ = [
    # core: the CIFAR zoo, checkpoints and the instruments
    'Report', 'data_dir', 'cifar_resnet', 'cifar10', 'cifar10_exact100', 'load_checkpoint', 'CheckpointError',
    'predict', 'evaluate', 'count_cost', 'max_output_diff', 'check_exact', 'ExactnessError', 'measure_latency',
    # clock: per-layer latencies, measured once and cached
    'LatencyTable', 'latency_table', 'layer_latency', 'fastest', 'conv_config',
    # graph and channels: the mechanism
    'fold_bn', 'UntraceableModelError', 'UnsupportedModelError', 'channel_groups', 'supported_ops', 'Plan', 'apply_plans',
    # zoo: Fashion-MNIST and its shipped networks
    'fashion_mnist', 'LeNet300100', 'FashionCNN', 'lenet_300_100', 'fashion_cnn',
    # RED's stages and the data-free budget
    'ALPHA', 'hash_tensor', 'hash_weights', 'hash_columns', 'alpha_sweep', 'plot_kde',
    'merge_neurons', 'red_neurons', 'channel_saliency', 'saliency_prune',
    'synthetic_batch', 'reconstruct', 'synthetic_saliency', 'distill', 'synthetic_agreement',
    'residual_blocks', 'remove_blocks', 'drop_blocks',
    'SplitConv', 'SplitLinear', 'separate_convs', 'nc_stats', 'save_model', 'load_model',
    # the pipeline and the comparison
    'Stage', 'red_stages', 'REDResult', 'red', 'red_columns', 'latency_ratio',
    'compare_methods', 'summary_table', 'plot_pareto', 'run_benchmark',
    # deployable files that run without red_nb (pt2, onnx)
    'export_model', 'check_export',
    # the reference methods
    'l1_prune', 'neuron_merging', 'fine_tune', 'energy_prune', 'add_compactors', 'resrep_train', 'resrep_convert',
]
