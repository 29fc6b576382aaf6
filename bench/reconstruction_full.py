"""RED with reconstruction on a larger synthetic batch (128 inputs, 300 steps), ResNet-56, full JPEG-rebuilt test set.

    python bench/reconstruction_full.py

Writes bench/reconstruction_resnet56_full_128x300.json (environment, seconds, one row per target_macs)."""
import torch, time, json
from pathlib import Path
from red_nb import cifar_resnet, cifar10, cifar10_exact100, synthetic_batch, evaluate, red
from red_nb.evaluation import environment
torch.manual_seed(0)
m = cifar_resnet(56, pretrained=True); x = torch.randn(8, 3, 32, 32, generator=torch.Generator().manual_seed(0))
test = cifar10(); ex = cifar10_exact100()
t = time.time(); xs = synthetic_batch(m, n=128, steps=300, progress=False); ts = time.time() - t
print('synthetic seconds', ts, flush=True); pass  # the batch is not kept
dense = evaluate(m, test, progress=False)['acc']
rows = []
for target in (0.75, 0.74, 0.6, 0.471):
    r = red(m, x, target_macs=target, reconstruct=xs, progress=False, separate=None)
    e = evaluate(r.model, test, reference=m, progress=False); e100 = evaluate(r.model, ex, reference=m, progress=False)
    row = dict(target=target, macs_removed=1 - r.after.macs / r.before.macs, flops_removed=1 - r.after.flops / r.before.flops,
               dacc=e['acc'] - dense, agreement=e['agreement'], acc_exact100=e100['acc'], seconds=sum(r.seconds.values()))
    print(row, flush=True); rows.append(row)
json.dump(dict(environment=environment(), n_syn=128, steps=300, synthetic_seconds=ts, dense=dense, rows=rows), open(Path(__file__).with_name('reconstruction_resnet56_full_128x300.json'), 'w'), indent=1)
