"""RED against the data-free peers (L1 pruning, Neuron Merging, Torch-Pruning), each at its own defaults, in one harness
(`red_nb.evaluation.compare_methods`): the same example input, cost counter (`count_cost`) and evaluation images for every method.

Two tables:
  fashion   the shipped Fashion-MNIST CNN, the full Fashion-MNIST test set; Torch-Pruning runs as its users run it, and
            its figures are checked against bench/tp_plain.py (Torch-Pruning called directly, without red_nb's adapter)
  resnet56  the pretrained CIFAR ResNet-56, the first N CIFAR-10 test images; Torch-Pruning restricted to the channels
            red_nb can change (it cannot prune through the option-A zero-pad shortcut), as the table's note says

Run from the repository root:  python bench/compare_peers.py [--parts fashion resnet56] [--n-test 2000] [--out-dir bench/results]
Writes bench/results/compare_fashion_cnn.json and compare_resnet56.json (schema red_nb.bench/1). Data-free, no fine-tuning.
Latency is not measured (the machine is shared); see bench/ for timing runs."""
import argparse, json, os, sys, time
from pathlib import Path
import torch
from red_nb.core import cifar_resnet, cifar10
from red_nb.zoo import fashion_cnn, fashion_mnist
from red_nb.evaluation import compare_methods, environment, SWEEPS

sys.path.insert(0, str(Path(__file__).parent))
import tp_plain

FASHION_SWEEPS = dict(RED=[1.0, 0.9, 0.75, 0.6, 0.5], L1=[0.05, 0.1, 0.2, 0.3], NeuronMerging=[0.05, 0.1, 0.2, 0.3],
                      TorchPruning=list(tp_plain.TARGETS))
TOLERANCE = 0.001  # harness and plain-script Torch-Pruning accuracies must agree to 0.1 point

def write_result(path, name, settings, seeds, rows, load0):
    "Write one result file in the bench schema (red_nb.bench/1)"
    import torch_pruning
    env = environment() | dict(load=dict(start=load0, end=os.getloadavg()), torch_pruning=torch_pruning.__version__)
    out = dict(schema='red_nb.bench/1', name=name, command='python ' + ' '.join(sys.argv), settings=settings, seeds=seeds,
               environment=env, rows=rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1, default=str))
    print(f"wrote {path}")

def example_input(shape)->torch.Tensor:
    "The data-free example input every method gets (tracing, costs): Gaussian noise, seed 0"
    return torch.randn(*shape, generator=torch.Generator().manual_seed(0))

def fashion(out_dir:Path, progress:bool=True):
    "Table (a): the Fashion CNN, Torch-Pruning unrestricted, with the plain script's figures beside the harness's"
    load0 = os.getloadavg()
    model, test, x = fashion_cnn(), fashion_mnist(), example_input((8, 1, 28, 28))
    rep = compare_methods(model, x, dict(test=test), FASHION_SWEEPS, progress=progress, latency=False)
    plain = {r['setting']: r for r in tp_plain.run(FASHION_SWEEPS['TorchPruning']) if r['method'] != 'dense'}
    rows, worst = list(rep), 0.
    for r in rows:
        if r['method'] == 'TorchPruning':
            p = plain[r['setting']]
            r.update(plain_macs_kept=p['macs_kept'], plain_acc_test=p['acc_test'], plain_agree_test=p['agree_test'])
            worst = max(worst, abs(r['acc_test'] - p['acc_test']))
    print(rep)
    print(f"largest harness vs plain-script Torch-Pruning accuracy difference: {100*worst:.2f} pt")
    if worst > TOLERANCE: print(f"WARNING: above the {100*TOLERANCE:.1f} pt tolerance")
    settings = dict(model='fashion_cnn (shipped weights)', data=f'Fashion-MNIST test set ({len(test)})', sweeps=FASHION_SWEEPS,
                    example_input='randn(8, 1, 28, 28), seed 0', latency=False, title=rep.title,
                    torch_pruning='unrestricted: only the classifier ignored (tp_global_l1 defaults); plain_* columns: bench/tp_plain.py',
                    plain_max_acc_diff=worst)
    write_result(out_dir/'compare_fashion_cnn.json', 'compare_fashion_cnn', settings, dict(example_input=0), rows, load0)

def resnet56(out_dir:Path, n_test:int=2000, progress:bool=True, sweeps=None):
    "Table (b): the pretrained CIFAR ResNet-56, Torch-Pruning restricted (the note says why)"
    load0 = os.getloadavg()
    model, x = cifar_resnet(56, pretrained=True), example_input((8, 3, 32, 32))
    test = cifar10()
    if n_test < len(test): test = torch.utils.data.Subset(test, range(n_test))
    sweeps = SWEEPS if sweeps is None else sweeps
    rep = compare_methods(model, x, dict(test=test), sweeps, progress=progress, latency=False)
    print(rep)
    settings = dict(model='cifar_resnet(56, pretrained=True)', data=f'CIFAR-10 test set, first {len(test)} images', sweeps=sweeps,
                    example_input='randn(8, 3, 32, 32), seed 0', latency=False, title=rep.title,
                    notes=[l[len('note: '):] for l in rep.title.splitlines() if l.startswith('note: ')])
    write_result(out_dir/'compare_resnet56.json', 'compare_resnet56', settings, dict(example_input=0), list(rep), load0)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--parts', nargs='+', default=['fashion', 'resnet56'], choices=['fashion', 'resnet56'])
    p.add_argument('--n-test', type=int, default=2000, help='CIFAR-10 test images for ResNet-56 (a prefix of the test set)')
    p.add_argument('--out-dir', default='bench/results')
    p.add_argument('--quiet', action='store_true', help='no progress bars')
    a = p.parse_args()
    out = Path(a.out_dir)
    for part in a.parts:
        t0 = time.time()
        if part == 'fashion': fashion(out, not a.quiet)
        else: resnet56(out, a.n_test, not a.quiet)
        print(f"{part}: {time.time() - t0:.0f} s")

if __name__ == '__main__':
    main()
