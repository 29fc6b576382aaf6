"""What the benchmark scripts share: the argument parser with the script's docstring as help, the synthetic-batch
options, and the synthetic batch of the recorded ResNet-56 reconstruction results (the original recipe, cached)."""
import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT/'bench'/'results'

def parser(doc:str)->argparse.ArgumentParser:
    "An argument parser whose help is the script's docstring"
    return argparse.ArgumentParser(description=doc.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=doc)

def synthesis_options(p:argparse.ArgumentParser, n_syn:int=64, steps:int=150):
    "Add --n-syn and --steps (the synthetic batch) to `p`"
    p.add_argument('--n-syn', type=int, default=n_syn, help='synthetic inputs')
    p.add_argument('--steps', type=int, default=steps, help='optimisation steps of the synthetic batch')

def recorded_batch(model, n_syn:int, steps:int, seed:int=0):
    "The synthetic batch of the recorded results: white-noise start, no copies, lr 0.2; cached by weights and settings"
    from red_nb.reconstruction import synthetic_batch
    return synthetic_batch(model, n=n_syn, steps=steps, lr=0.2, seed=seed, init='noise', copies=1, cache=True, progress=False)

def cifar_setup(depth:int, n_test:int):
    "(dense pretrained CIFAR ResNet, {'test': first `n_test` test images}, its reference predictions, example input randn(8,3,32,32) seed 0)"
    import torch
    from red_nb.core import cifar_resnet, cifar10, reference_predictions
    dense = cifar_resnet(depth, pretrained=True).eval()
    test = cifar10()
    if n_test < len(test): test = torch.utils.data.Subset(test, range(n_test))
    data = dict(test=test)
    return dense, data, reference_predictions(dense, data), torch.randn(8, 3, 32, 32, generator=torch.Generator().manual_seed(0))

def ort_callable(session):
    "A function `f(x)` running an ONNX Runtime session on a torch tensor (to time it beside eager models)"
    name = session.get_inputs()[0].name
    return lambda xb: session.run(None, {name: xb.numpy()})
