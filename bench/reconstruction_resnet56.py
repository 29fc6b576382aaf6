"""Data-free reconstruction after saliency pruning on CIFAR ResNet-56.

A synthetic batch is optimised to match the dense model's BatchNorm statistics (no real data), then every layer that
lost input channels in `red(..., target_macs=t)` is refitted by ridge least squares on it
(`red_nb.reconstruction.reconstruct`), with two ridge values, and on plain Gaussian noise as a control. Real images (a
prefix of the JPEG-rebuilt test set) are used only to evaluate. One row per (target, variant).
Duration: about 15 min for the synthetic batch (cached by `synthetic_batch(cache=True)`) plus about 1 min per target
on one core.

    nice -n 5 python bench/reconstruction_resnet56.py [--n-syn 64] [--steps 150] [--n-test 2000] [--targets 0.85,0.8,0.75,0.7] [--out FILE]

Writes bench/results/reconstruction_resnet56.json (`red_nb.evaluation.write_result`)."""
import time
import torch

from common import ROOT, parser, synthesis_options, recorded_batch

def main():
    p = parser(__doc__); synthesis_options(p, 64, 150)
    p.add_argument('--n-test', type=int, default=2000, help='test images (a prefix of the test set)')
    p.add_argument('--targets', default='0.85,0.8,0.75,0.7', help='comma-separated target_macs values')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'reconstruction_resnet56.json'))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    from red_nb.core import cifar_resnet, cifar10, evaluate, Report
    from red_nb.graph import fold_bn
    from red_nb.evaluation import red, environment, write_result
    from red_nb.reconstruction import reconstruct, bn_matching_loss
    env = environment()
    targets = tuple(float(t) for t in a.targets.split(','))
    dense = cifar_resnet(56, pretrained=True).eval()
    ref = fold_bn(dense)
    x = torch.randn(8, 3, 32, 32, generator=torch.Generator().manual_seed(0))   # tracing and costs only
    ds = torch.utils.data.Subset(cifar10(), range(a.n_test))
    t0 = time.perf_counter()
    x_syn = recorded_batch(dense, a.n_syn, a.steps)
    syn_sec, losses = (None, None) if x_syn.losses is None else (time.perf_counter() - t0, (x_syn.losses[0], x_syn.losses[-1]))  # None: from the cache
    with torch.no_grad(): final_loss = bn_matching_loss(dense, x_syn)[0].item()
    noise = torch.randn(a.n_syn, 3, 32, 32, generator=torch.Generator().manual_seed(1))   # control: unoptimised noise
    with torch.no_grad(): noise_loss = bn_matching_loss(dense, noise)[0].item()
    print(f"synthetic batch n={a.n_syn} steps={a.steps}: {syn_sec} s, BN loss {losses} -> {final_loss:.3f} (plain noise {noise_loss:.3f})", flush=True)
    dense_acc = evaluate(dense, ds, progress=False)['acc']
    variants = {'saliency (baseline)': None, 'recon ridge=1e-3': dict(x=x_syn, ridge=1e-3), 'recon ridge=1e-2': dict(x=x_syn, ridge=1e-2),
                'recon on plain noise (control)': dict(x=noise, ridge=1e-3)}
    rows = []
    for t in targets:
        res = red(dense, x, target_macs=t, separate=None, verify=False, progress=False)
        removed = 1 - res.after.macs / res.before.macs
        for name, kw in variants.items():
            t1 = time.perf_counter()
            m = res.model if kw is None else reconstruct(res.model, ref, kw['x'], ridge=kw['ridge'])
            sec = time.perf_counter() - t1
            ev = evaluate(m, ds, reference=dense, progress=False)
            rows.append(dict(target=t, variant=name, macs_removed=removed, acc=ev['acc'], d_acc_pt=100 * (ev['acc'] - dense_acc),
                             agreement=ev['agreement'], recon_seconds=round(sec, 1) if kw else 0.))
            print(Report(rows[-1:]).table(), flush=True)
    rep = Report(rows, f'ResNet-56, first {a.n_test} test images (dense {dense_acc:.2%}), data-free, no fine-tuning')
    print(rep)
    write_result(a.out, 'reconstruction_resnet56', rows, dict(n_syn=a.n_syn, steps=a.steps, n_test=a.n_test, dense_acc=dense_acc, title=rep.title,
                 note='seeds: 0 for the synthetic batch and example input, 1 for the plain-noise control'),
                 seeds=[0, 1], env=env, extra=dict(synthetic_seconds=syn_sec, bn_loss=[losses, final_loss, noise_loss]))
    print(f"wrote {a.out}")

if __name__ == '__main__': main()
