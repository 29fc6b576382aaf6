"""Fashion-MNIST benchmark of red_nb (nbs/04a_fashion.ipynb): RED vs Neuron Merging on LeNet-300-100 at
50/60/70/80 % of hidden neurons removed, RED's levers on the 1x1-rich CNN, and measured latency.

Run from the repository root:  python bench/fashion_bench.py [--out bench] [--parts lenet,lenet_levers,cnn,latency]
Writes bench/fashion_lenet.json/.png, fashion_lenet_levers.json, fashion_cnn.json, fashion_latency.json (--out); prints tables.
Data-free, no fine-tuning; the full Fashion-MNIST test set (Debian package dataset-fashion-mnist).
Timings are medians on this machine in the same process; the machine may be shared (see the JSON)."""
import argparse, json, time
from pathlib import Path
import torch
import matplotlib; matplotlib.use('Agg')
import matplotlib.pyplot as plt
from red_nb.fashion import (fashion_mnist, lenet_300_100, fashion_cnn, compare_neuron_budgets, plot_neuron_budgets,
                            red_levers, pointwise_layers, CNN_LEVERS, LENET_LEVERS, latency_report)
from red_nb.evaluation import environment

def dump(path, report, **extra):
    path.write_text(json.dumps(dict(title=report.title, rows=list(report), environment=environment(), **extra), indent=1, default=str))

if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="bench"); p.add_argument('--parts', default='lenet,lenet_levers,cnn,latency')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--red', default='{}', help='JSON keyword arguments of run_red for the latency part, e.g. {"columns": true, "alpha": 0.1}')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    test = fashion_mnist()
    parts = a.parts.split(',')
    if 'lenet' in parts:
        t0 = time.time()
        rep = compare_neuron_budgets(lenet_300_100(), test.tensors[0][:64], test, progress=False)
        print(rep.table('md')); print(f"({time.time() - t0:.0f} s)")
        dump(out/'fashion_lenet.json', rep)
        fig = plot_neuron_budgets(rep); fig.savefig(out/'fashion_lenet.png', dpi=120, bbox_inches='tight'); plt.close(fig)
    if 'lenet_levers' in parts:
        rep = red_levers(lenet_300_100(), test.tensors[0][:64], test, LENET_LEVERS, progress=False)
        print(rep.table('md'))
        dump(out/'fashion_lenet_levers.json', rep)
    if 'cnn' in parts:
        t0 = time.time()
        cnn = fashion_cnn()
        rep = red_levers(cnn, test.tensors[0][:32], test, CNN_LEVERS(cnn), progress=False)
        print(rep.table('md')); print(f"({time.time() - t0:.0f} s)")
        dump(out/'fashion_cnn.json', rep)
    if 'latency' in parts:
        rep = latency_report(fashion_cnn(), test.tensors[0], batch_sizes=(1, 64), red_kwargs=json.loads(a.red))
        print(rep.table('md'))
        dump(out/'fashion_latency.json', rep, threads=a.threads)
