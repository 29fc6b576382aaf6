"""RED with reconstruction on a larger synthetic batch (128 inputs, 300 steps) on CIFAR ResNet-56, evaluated on the full
JPEG-rebuilt test set and on the exact-pixel 100 images.

For each `--targets` value: `red(target_macs=t, reconstruct=<the synthetic batch>, separate=None)`; one row per target with
the MACs and mult+add removed, the accuracy change and agreement against the dense model, and red's seconds.
Duration: about 10 min for the synthetic batch plus about 1.5 min per target on one core.

    python bench/reconstruction_resnet56_full.py [--n-syn 128] [--steps 300] [--targets 0.75,0.74,0.6,0.471] [--out FILE]

Writes bench/results/reconstruction_resnet56_full_128x300.json (`red_nb.evaluation.write_result`)."""
import time
from pathlib import Path
import torch

from common import ROOT, parser, synthesis_options, recorded_batch

def main():
    p = parser(__doc__); synthesis_options(p, 128, 300)
    p.add_argument('--targets', default='0.75,0.74,0.6,0.471', help='comma-separated target_macs values')
    p.add_argument('--seed', type=int, default=0, help='seed of the synthetic batch and of the example input')
    p.add_argument('--out', default=None, help='result file (default: bench/results/reconstruction_resnet56_full_<n_syn>x<steps>.json)')
    a = p.parse_args()
    from red_nb.core import cifar_resnet, cifar10, cifar10_exact100, evaluate
    from red_nb.evaluation import red, environment, write_result
    env = environment()
    torch.manual_seed(a.seed)
    m = cifar_resnet(56, pretrained=True); x = torch.randn(8, 3, 32, 32, generator=torch.Generator().manual_seed(a.seed))
    test = cifar10(); ex = cifar10_exact100()
    t = time.time(); xs = recorded_batch(m, a.n_syn, a.steps, a.seed); ts = time.time() - t
    print('synthetic seconds', ts, flush=True)
    dense = evaluate(m, test, progress=False)['acc']
    rows = []
    for target in (float(v) for v in a.targets.split(',')):
        r = red(m, x, target_macs=target, reconstruct=xs, progress=False, separate=None)
        e = evaluate(r.model, test, reference=m, progress=False); e100 = evaluate(r.model, ex, reference=m, progress=False)
        row = dict(target=target, macs_removed=1 - r.after.macs / r.before.macs, flops_removed=1 - r.after.flops / r.before.flops,
                   dacc=e['acc'] - dense, agreement=e['agreement'], acc_exact100=e100['acc'], seconds=sum(r.seconds.values()))
        print(row, flush=True); rows.append(row)
    name = f'reconstruction_resnet56_full_{a.n_syn}x{a.steps}'
    out = Path(a.out) if a.out else ROOT/'bench'/'results'/f'{name}.json'
    write_result(out, name, rows, dict(n_syn=a.n_syn, steps=a.steps, n_test=len(test), dense_acc=dense,
                 title=f"ResNet-56, full test set (dense {dense:.2%}): red(target_macs, reconstruct) with a synthetic batch of {a.n_syn} inputs, {a.steps} steps"),
                 seeds=[a.seed], env=env, extra=dict(synthetic_seconds=ts))
    print(f"wrote {out}")

if __name__ == '__main__': main()
