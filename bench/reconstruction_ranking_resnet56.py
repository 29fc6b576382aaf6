"""Does the synthetic batch rank channels better than the BatchNorm proxy? ResNet-56, CIFAR-10.

`saliency_prune` inside `red` is run with `budget.channel_saliency` replaced (for this run only) by
`reconstruction.synthetic_saliency` on the synthetic batch of bench/reconstruction_resnet56.py (cached in /tmp,
or rebuilt), with and without the least-squares reconstruction. Real images only evaluate.
Run:  nice -n 5 python bench/reconstruction_ranking_resnet56.py [n_syn] [steps] [n_test] [ridge] [targets, e.g. 0.77]
"""
import sys, json, time
from pathlib import Path
import torch
torch.set_num_threads(1)
import red_nb.budget as budget
from red_nb.core import cifar_resnet, cifar10, evaluate, Report
from red_nb.graph import fold_bn
from red_nb.evaluation import red, environment
from red_nb.reconstruction import synthetic_batch, reconstruct, synthetic_saliency

n_syn = int(sys.argv[1]) if len(sys.argv) > 1 else 64
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 150
n_test = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
ridge = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-3
targets = tuple(float(t) for t in sys.argv[5].split(',')) if len(sys.argv) > 5 else (0.75, 0.80, 0.70, 0.85)  # the interesting ones first
out = Path(__file__).with_name('reconstruction_ranking_resnet56.json' if len(sys.argv) <= 5 else f"reconstruction_ranking_resnet56_{sys.argv[5].replace(',', '_')}.json")

dense = cifar_resnet(56, pretrained=True).eval()
ref = fold_bn(dense)
x = torch.randn(8, 3, 32, 32, generator=torch.Generator().manual_seed(0))
ds = torch.utils.data.Subset(cifar10(), range(n_test))
cache = Path(f'/tmp/red_xsyn_{n_syn}_{steps}.pt')
if cache.exists(): x_syn = torch.load(cache)
else: x_syn = synthetic_batch(dense, n=n_syn, steps=steps, lr=0.2, seed=0, progress=False); torch.save(x_syn.clone(), cache)

dense_acc = evaluate(dense, ds, progress=False)['acc']
proxy = budget.channel_saliency
rows = []
for t in targets:
    budget.channel_saliency = lambda model, ei, groups=None, select=None: synthetic_saliency(model, ei, x_syn, groups, select)
    try: res = red(dense, x, target_macs=t, separate=None, verify=False, progress=False)
    finally: budget.channel_saliency = proxy
    removed = 1 - res.after.macs / res.before.macs
    for name, m in (('synthetic ranking', res.model), (f'synthetic ranking + recon ridge={ridge:g}', reconstruct(res.model, ref, x_syn, ridge=ridge))):
        ev = evaluate(m, ds, reference=dense, progress=False)
        rows.append(dict(target=t, variant=name, macs_removed=removed, acc=ev['acc'], d_acc_pt=100 * (ev['acc'] - dense_acc), agreement=ev['agreement']))
        print(Report(rows[-1:]).table(), flush=True)
print(Report(rows, f'ResNet-56, first {n_test} test images (dense {dense_acc:.2%}), channel ranking measured on the synthetic batch'))
json.dump(dict(environment=environment(), n_syn=n_syn, steps=steps, n_test=n_test, ridge=ridge, dense_acc=dense_acc, rows=rows), open(out, 'w'), indent=1)
