"""Torch-Pruning on the shipped Fashion-MNIST CNN, exactly as its README and CIFAR benchmark (benchmarks/main.py, method l1,
--global-pruning) run it, without red_nb's adapter: a check on `red_nb.evaluation.tp_global_l1`.

From red_nb it uses only the data loading (`fashion_mnist`), the model zoo (`fashion_cnn`) and the cost counter (`count_cost`,
the counter every method in the comparison is measured with). Pruning and evaluation are written out here.

Run from the repository root:  python bench/tp_plain.py [--targets 0.9 0.75 0.6 0.5] [--out bench/results/tp_plain_fashion_cnn.json]
Data-free, no fine-tuning; the full Fashion-MNIST test set (Debian package dataset-fashion-mnist)."""
import argparse, copy, json, os, sys, time
import torch
import torch.nn as nn
import torch_pruning as tp
from red_nb.zoo import fashion_cnn, fashion_mnist
from red_nb.core import count_cost

TARGETS = (0.9, 0.75, 0.6, 0.5)  # fractions of the MACs kept: the harness's Torch-Pruning sweep on this model (bench/compare_peers.py)
NUM_CLASSES = 10

def prune(model:nn.Module, example_inputs:torch.Tensor, target_macs:float, iterative_steps:int=400)->nn.Module:
    "A pruned copy of `model`: Torch-Pruning's global group-L1 pruner, stepped until at most `target_macs` of the MACs remain"
    model = copy.deepcopy(model).eval()
    imp = tp.importance.GroupMagnitudeImportance(p=1)
    ignored_layers = [m for m in model.modules() if isinstance(m, nn.Linear) and m.out_features == NUM_CLASSES]  # do not prune the final classifier
    pruner = tp.pruner.BasePruner(model, example_inputs, importance=imp, global_pruning=True,
                                  pruning_ratio=1.0, iterative_steps=iterative_steps, ignored_layers=ignored_layers)
    base_macs = count_cost(model, example_inputs).macs
    while count_cost(model, example_inputs).macs > target_macs * base_macs and pruner.current_step < iterative_steps:
        pruner.step()
    return model

@torch.no_grad()
def predictions(model:nn.Module, dataset, batch_size:int=500)->tuple:
    "Top-1 predictions and labels over `dataset`"
    model.eval()
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size)
    preds, labels = zip(*[(model(x).argmax(1), y) for x, y in loader])
    return torch.cat(preds), torch.cat(labels)

def run(targets=TARGETS, steps:int=400)->list:
    "One row per target: MACs kept (count_cost), accuracy, its change and top-1 agreement with the dense model on the test set"
    test = fashion_mnist()
    model = fashion_cnn()
    example_inputs = torch.randn(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    base = count_cost(model, example_inputs)
    ref, y = predictions(model, test)
    dense = (ref == y).float().mean().item()
    rows = [dict(method='dense', setting='', params=base.params, macs=base.macs, macs_kept=1.0, acc_test=dense, dacc_test=0.0, agree_test=1.0)]
    for t in targets:
        t0 = time.perf_counter()
        pruned = prune(model, example_inputs, t, steps)
        sec = time.perf_counter() - t0
        c = count_cost(pruned, example_inputs)
        pred, _ = predictions(pruned, test)
        assert pruned(example_inputs).shape == model(example_inputs).shape
        acc = (pred == y).float().mean().item()
        rows.append(dict(method='TorchPruning (plain)', setting=t, params=c.params, macs=c.macs, macs_kept=c.macs/base.macs,
                         acc_test=acc, dacc_test=acc - dense, agree_test=(pred == ref).float().mean().item(), seconds=round(sec, 2)))
        print(f"target {t}: MACs kept {c.macs/base.macs:.3f}, accuracy {acc:.2%} ({100*(acc - dense):+.2f} pt), "
              f"agreement {rows[-1]['agree_test']:.2%}", flush=True)
    return rows

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--targets', type=float, nargs='+', default=list(TARGETS), help='fractions of the MACs to keep')
    p.add_argument('--steps', type=int, default=400, help="Torch-Pruning's iterative_steps")
    p.add_argument('--out', default='bench/results/tp_plain_fashion_cnn.json')
    a = p.parse_args()
    from red_nb.evaluation import environment  # to record the machine, not to prune
    load0 = os.getloadavg()
    rows = run(a.targets, a.steps)
    env = environment() | dict(load=dict(start=load0, end=os.getloadavg()), torch_pruning=tp.__version__)
    out = dict(schema='red_nb.bench/1', name='tp_plain_fashion_cnn', command='python ' + ' '.join(sys.argv),
               settings=dict(model='fashion_cnn (shipped weights)', data='Fashion-MNIST test set (10000)', targets=a.targets,
                             iterative_steps=a.steps, importance='GroupMagnitudeImportance(p=1)', global_pruning=True,
                             pruning_ratio=1.0, ignored_layers='the final classifier', example_input='randn(8, 1, 28, 28), seed 0'),
               seeds=dict(example_input=0), environment=env, rows=rows)
    os.makedirs(os.path.dirname(a.out) or '.', exist_ok=True)
    with open(a.out, 'w') as f: json.dump(out, f, indent=1, default=str)
    print(f"wrote {a.out}")

if __name__ == '__main__':
    main()
