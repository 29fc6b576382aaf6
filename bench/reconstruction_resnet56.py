"""Data-free reconstruction after saliency pruning on ResNet-56 (CIFAR-10).

A synthetic batch is optimised to match the dense model's BatchNorm statistics (no real data), then every
layer that lost input channels in `red(..., target_macs=t)` is refitted by ridge least squares on it
(`red_nb.reconstruction.reconstruct`). Real images (a prefix of the JPEG-rebuilt test set) are used only to
evaluate. Run:  nice -n 5 python bench/reconstruction_resnet56.py [n_syn] [steps] [n_test] [targets, e.g. 0.65,0.6]
"""
import sys, json, time
from pathlib import Path
import torch
torch.set_num_threads(1)
from red_nb.core import cifar_resnet, cifar10, evaluate, Report
from red_nb.graph import fold_bn
from red_nb.evaluation import red, environment
from red_nb.reconstruction import synthetic_batch, reconstruct, bn_matching_loss

n_syn = int(sys.argv[1]) if len(sys.argv) > 1 else 64
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 150
n_test = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
targets = tuple(float(t) for t in sys.argv[4].split(',')) if len(sys.argv) > 4 else (0.85, 0.80, 0.75, 0.70)
out = Path(__file__).with_name('reconstruction_resnet56.json' if len(sys.argv) <= 4 else f"reconstruction_resnet56_{sys.argv[4].replace(',', '_')}.json")

dense = cifar_resnet(56, pretrained=True).eval()
ref = fold_bn(dense)
x = torch.randn(8, 3, 32, 32, generator=torch.Generator().manual_seed(0))   # tracing and costs only
ds = torch.utils.data.Subset(cifar10(), range(n_test))

cache = Path(f'/tmp/red_xsyn_{n_syn}_{steps}.pt')
t0 = time.perf_counter()
if cache.exists(): x_syn = torch.load(cache); syn_sec = float('nan'); losses = None
else:
    x_syn = synthetic_batch(dense, n=n_syn, steps=steps, lr=0.2, seed=0, progress=False)
    syn_sec = time.perf_counter() - t0; losses = (x_syn.losses[0], x_syn.losses[-1])
    torch.save(x_syn.clone(), cache)
with torch.no_grad(): final_loss = bn_matching_loss(dense, x_syn)[0].item()
noise = torch.randn(n_syn, 3, 32, 32, generator=torch.Generator().manual_seed(1))   # control: unoptimised noise
with torch.no_grad(): noise_loss = bn_matching_loss(dense, noise)[0].item()
print(f"synthetic batch n={n_syn} steps={steps}: {syn_sec:.0f} s, BN loss {losses} -> {final_loss:.3f} (plain noise {noise_loss:.3f})", flush=True)

dense_acc = evaluate(dense, ds, progress=False)['acc']
variants = {'saliency (baseline)': None,
            'recon ridge=1e-3': dict(x=x_syn, ridge=1e-3),
            'recon ridge=1e-2': dict(x=x_syn, ridge=1e-2),
            'recon on plain noise (control)': dict(x=noise, ridge=1e-3)}
rows = []
for t in targets:
    res = red(dense, x, target_macs=t, separate=None, verify=False, progress=False)
    pruned = res.model
    removed = 1 - res.after.macs / res.before.macs
    for name, kw in variants.items():
        t1 = time.perf_counter()
        m = pruned if kw is None else reconstruct(pruned, ref, kw['x'], ridge=kw['ridge'])
        sec = time.perf_counter() - t1
        ev = evaluate(m, ds, reference=dense, progress=False)
        rows.append(dict(target=t, variant=name, macs_removed=removed, acc=ev['acc'], d_acc_pt=100 * (ev['acc'] - dense_acc),
                         agreement=ev['agreement'], recon_seconds=round(sec, 1) if kw else 0.))
        print(Report(rows[-1:]).table(), flush=True)
rep = Report(rows, f'ResNet-56, first {n_test} test images (dense {dense_acc:.2%}), data-free, no fine-tuning')
print(rep)
json.dump(dict(environment=environment(), n_syn=n_syn, steps=steps, synthetic_seconds=syn_sec, bn_loss=[losses, final_loss, noise_loss],
               n_test=n_test, dense_acc=dense_acc, rows=rows), open(out, 'w'), indent=1)
