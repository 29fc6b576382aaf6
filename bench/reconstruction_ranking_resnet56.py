"""Does the synthetic batch rank channels better than the BatchNorm proxy? CIFAR ResNet-56.

`saliency_prune` inside `red` is run with `budget.channel_saliency` replaced (for this run only) by
`reconstruction.synthetic_saliency` on the synthetic batch of bench/reconstruction_resnet56.py (cached by `synthetic_batch(cache=True)`, or
rebuilt), with and without the least-squares reconstruction. Real images only evaluate. One row per (target, variant).
Duration: about 15 min for the synthetic batch when not cached, plus about 2 min per target on one core.

    nice -n 5 python bench/reconstruction_ranking_resnet56.py [--n-syn 64] [--steps 150] [--n-test 2000] [--ridge 1e-3] [--targets 0.75,0.8,0.7,0.85] [--out FILE]

Writes bench/results/reconstruction_ranking_resnet56.json (`red_nb.evaluation.write_result`); the file behind the notebook
tables was made with `--ridge 0.01` (and `--targets 0.775` for reconstruction_ranking_resnet56_0.775.json)."""
from pathlib import Path
import torch

from common import ROOT, parser, synthesis_options, recorded_batch

def main():
    p = parser(__doc__); synthesis_options(p, 64, 150)
    p.add_argument('--n-test', type=int, default=2000, help='test images (a prefix of the test set)')
    p.add_argument('--ridge', type=float, default=1e-3, help='ridge of the least-squares reconstruction')
    p.add_argument('--targets', default='0.75,0.8,0.7,0.85', help='comma-separated target_macs values')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'reconstruction_ranking_resnet56.json'))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    import red_nb.budget as budget
    from red_nb.core import cifar_resnet, cifar10, evaluate, Report
    from red_nb.graph import fold_bn
    from red_nb.evaluation import red, environment, write_result
    from red_nb.reconstruction import reconstruct, synthetic_saliency
    env = environment()
    dense = cifar_resnet(56, pretrained=True).eval()
    ref = fold_bn(dense)
    x = torch.randn(8, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    ds = torch.utils.data.Subset(cifar10(), range(a.n_test))
    x_syn = recorded_batch(dense, a.n_syn, a.steps)
    dense_acc = evaluate(dense, ds, progress=False)['acc']
    proxy = budget.channel_saliency
    rows = []
    for t in (float(v) for v in a.targets.split(',')):
        budget.channel_saliency = lambda model, ei, groups=None, select=None: synthetic_saliency(model, ei, x_syn, groups, select)
        try: res = red(dense, x, target_macs=t, separate=None, verify=False, progress=False)
        finally: budget.channel_saliency = proxy
        removed = 1 - res.after.macs / res.before.macs
        for name, m in (('synthetic ranking', res.model), (f'synthetic ranking + recon ridge={a.ridge:g}', reconstruct(res.model, ref, x_syn, ridge=a.ridge))):
            ev = evaluate(m, ds, reference=dense, progress=False)
            rows.append(dict(target=t, variant=name, macs_removed=removed, acc=ev['acc'], d_acc_pt=100 * (ev['acc'] - dense_acc), agreement=ev['agreement']))
            print(Report(rows[-1:]).table(), flush=True)
    rep = Report(rows, f'ResNet-56, first {a.n_test} test images (dense {dense_acc:.2%}), channel ranking measured on the synthetic batch')
    print(rep)
    write_result(a.out, Path(a.out).stem, rows, dict(n_syn=a.n_syn, steps=a.steps, n_test=a.n_test, ridge=a.ridge, dense_acc=dense_acc, title=rep.title),
                 seeds=[0], env=env)
    print(f"wrote {a.out}")

if __name__ == '__main__': main()
