"""Does the data-free judge of `drop_blocks` rank residual blocks as real data does? CIFAR ResNet-56, one block at a time.

For every residual block of the pretrained ResNet-56: remove it alone (`remove_blocks`, no refit) and measure the real
damage on the first `--n-test` JPEG-rebuilt test images (top-1 disagreement with the dense model, accuracy change),
and the data-free judges: the relative L2 distance of the logits on the BN-matched synthetic batch (the judge
`drop_blocks` uses), the KL divergence and top-1 disagreement on that batch, the same distance on smooth noise, the
mismatch of the downstream BatchNorms' batch statistics with their running statistics, and the energy of the branch's
last BatchNorm (sum of gamma^2 + beta^2). Rows: one per block; settings: each judge's Spearman rank correlation with the
real disagreement and with the real accuracy drop.

    python bench/depth_judge.py --n-test 2000 --seed 0

Writes bench/results/depth_judge.json. One thread."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import RESULTS, parser

def ranks(v): return torch.tensor(v, dtype=torch.float64).argsort().argsort().double()

def spearman(a, b):
    "Spearman rank correlation (no ties expected)"
    return torch.corrcoef(torch.stack([ranks(a), ranks(b)]))[0, 1].item()

@torch.no_grad()
def predictions(model, x, bs=500): return torch.cat([model(x[i:i + bs]).argmax(1) for i in range(0, len(x), bs)])

@torch.no_grad()
def bn_mismatch(model, x):
    "(sum over BatchNorm2d layers of the mean normalised mismatch of batch mean and std with the running ones, output)"
    stats, hooks = {}, [m.register_forward_pre_hook(lambda m, i, n=n: stats.__setitem__(n, i[0]))
                        for n, m in model.named_modules() if isinstance(m, nn.BatchNorm2d)]
    try: y = model(x)
    finally:
        for h in hooks: h.remove()
    mods, tot = dict(model.named_modules()), 0.
    for n, a in stats.items():
        mu, sd, bn = a.mean((0, 2, 3)), a.var((0, 2, 3)).sqrt(), mods[n]
        tot += (((mu - bn.running_mean) ** 2 + (sd - bn.running_var.sqrt()) ** 2) / bn.running_var).mean().item()
    return tot, y

def main():
    p = parser(__doc__)
    p.add_argument('--n-test', type=int, default=2000, help='first test images')
    p.add_argument('--seed', type=int, default=0, help='seed of the synthetic batch and of the noise')
    a = p.parse_args()
    torch.set_num_threads(1)
    from red_nb.core import cifar_resnet, cifar10, relative_l2
    from red_nb.depth import residual_blocks, remove_blocks
    from red_nb.reconstruction import synthetic_batch, smooth_noise
    from red_nb.evaluation import environment, write_result
    env = environment()
    m = cifar_resnet(56, pretrained=True).eval()
    ds = cifar10()
    X = torch.stack([ds[i][0] for i in range(a.n_test)]); Y = torch.tensor([ds[i][1] for i in range(a.n_test)])
    p0 = predictions(m, X)
    xs = synthetic_batch(m, seed=a.seed, cache=True, progress=False)
    xn = smooth_noise(64, generator=torch.Generator().manual_seed(a.seed))
    b0, ys0 = bn_mismatch(m, xs)
    with torch.no_grad(): yn0 = m(xn)
    rows = []
    for b in residual_blocks(m, X[:2]):
        r = remove_blocks(m, [b]).eval()
        pr = predictions(r, X)
        bm, ys = bn_mismatch(r, xs)
        with torch.no_grad(): yn = r(xn)
        last = m.get_submodule(b.branch[-1])
        rows.append(dict(block=b.name, disagreement=1 - (pr == p0).float().mean().item(),
                         dacc=(pr == Y).float().mean().item() - (p0 == Y).float().mean().item(),
                         syn_l2=relative_l2(ys0, ys), syn_kl=F.kl_div(ys.log_softmax(1), ys0.log_softmax(1), log_target=True, reduction='batchmean').item(),
                         syn_disagreement=1 - (ys.argmax(1) == ys0.argmax(1)).float().mean().item(), noise_l2=relative_l2(yn0, yn),
                         bn_mismatch=bm - b0, energy=(last.weight ** 2 + last.bias ** 2).sum().item() if isinstance(last, nn.BatchNorm2d) else float('nan')))
        print({k: round(v, 4) if isinstance(v, float) else v for k, v in rows[-1].items()}, flush=True)
    judges = ['syn_l2', 'syn_kl', 'syn_disagreement', 'noise_l2', 'bn_mismatch', 'energy']
    corr = {j: dict(vs_disagreement=spearman([r[j] for r in rows], [r['disagreement'] for r in rows]),
                    vs_acc_drop=spearman([r[j] for r in rows], [-r['dacc'] for r in rows])) for j in judges}
    for j, c in corr.items(): print(j, {k: round(v, 3) for k, v in c.items()})
    write_result(RESULTS/'depth_judge.json', 'depth_judge', rows, dict(
        n_test=a.n_test, threads=1, spearman=corr,
        title=f"ResNet-56, each residual block removed alone (no refit): real damage on {a.n_test} test images and the data-free judges"),
        seeds=[a.seed], env=env)

if __name__ == '__main__': main()
