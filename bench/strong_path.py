"""The data-free strong path on a pretrained CIFAR ResNet (ResNet-56; --depth for another): red(target_macs=t, reconstruct=True) and each lever on top of it.

For each variant, target and seed: `red(model, x, target_macs=t, reconstruct=<synthetic batch of that seed>, separate=None,
**variant)`; one row with the MACs and mult+add removed, the accuracy change and the top-1 agreement against the dense
model on the first `--n-test` images of the JPEG-rebuilt test set, and red's seconds (the synthetic batch excluded: it is
synthesised once per seed, cached, and its seconds are recorded apart). Variants:

    base          the refit of the layers that lost inputs (red's default strong path), with the stream feedback
    nofeedback    feedback=False: each refitted layer fitted to the reference layer's own output, not to the residual sum it joins
    downstream    refit='downstream': every conv/linear after the first change
    steps2/4      steps=2/4: prune in 2/4 steps with a refit after each
    distill1/2    distill=1/2: 1/2 minutes of distillation to the dense logits on augmented synthetic inputs
    distill1_lr4  distill=dict(minutes=1, lr=1e-4): the same at ten times the learning rate
    distillM_features     distill=dict(minutes=M, lr=1e-4, features=1.): also match the block outputs (M = 1, 2, 5, 10)
    distillM_fresh        ... and fresh=0.3: 30 % of the time synthesising new inputs for the pool (M = 2, 5)
    distillM_adversarial  ... and adversarial=1.: the new inputs also maximise the student-teacher disagreement (M = 2, 5)
    steps2_distill5_features  steps=2 and distill5_features
    agree99       target_agreement=0.99 (the target is the floor of the search)
    drop1/2/4     drop_blocks=1/2/4: also remove up to 1/2/4 residual blocks (judged on the synthetic batch)
    multiple8     multiple=8: round pruned widths to multiples of 8 where the clock finds it no slower
    rank_latency  rank='latency': weigh each channel's saliency against the milliseconds the clock says it costs, not its MACs
    rank_latency_multiple8  rank='latency' and multiple=8
    n128          a synthetic batch of 128 inputs (32 optimised, 4 copies each) instead of 64 (twice the synthesis time)
    steps240      the synthetic batch optimised for 240 steps instead of 80 (three times the synthesis time)
    copies1       64 inputs optimised, none of them a copy (four times the synthesis time); copies1_steps240: both
    n128_copies1_steps240  128 inputs optimised for 240 steps, none of them a copy (about twenty times the synthesis time)
    copies1_steps96, n128_copies2_steps96, n128_steps192, n128_copies1_steps48, n128_copies1_steps32, n256_copies1_steps24
                  one synthesis budget (about 6,100 input-steps, `n / copies x steps`) spent in different ways; n128_copies1_steps48
                  is the default batch; c16_copies1_steps240: 64 inputs x 240 steps, 90 % of them at 16x16 (`coarse=16`)
    pool1024_distill5     distill5_features on a `synthetic_pool` of 1024 inputs (the seed's batch and seven more, seeds derived from it)
    dipool1024_distillM   distillM_features on a `synthetic_pool` of 1024 inputs synthesised DeepInversion-style: each batch 200 steps
                          with the cross-entropy to balanced labels and jittered views (`synthesis=dict(steps=200, ce=1., jitter=True)`;
                          about four times the cost of the default batch), M = 5, 10, 20 minutes
    real128, real1024     a ceiling, not a data-free run: the refit batch is 128 / 1024 *real* CIFAR-10 training images (no labels),
                          drawn with the seed, instead of the synthetic batch; real1024_distill5: and distill5_features on them
    latency80/70  target_latency=0.8/0.7: the budget searched for by the clock (the target given is the search's floor); the row adds
                  the measured ratio of the chosen budget (`latency_search`) and an independent re-measurement (`latency_check`,
                  60 interleaved runs at batch 1 against the dense model)

    python bench/strong_path.py --variants base,downstream --targets 0.6 --seeds 0 --n-test 2000 --out strong_path_2000

Writes bench/results/<out>.json (`red_nb.evaluation.write_result`) after every row. One thread unless --threads says otherwise."""
import time
import torch

from common import RESULTS, parser

VARIANTS = dict(base={}, nofeedback=dict(feedback=False), downstream=dict(refit='downstream'), steps2=dict(steps=2), steps4=dict(steps=4),
                distill1=dict(distill=1.), distill2=dict(distill=2.), distill4=dict(distill=4.),
                agree99=dict(target_agreement=0.99), agree98=dict(target_agreement=0.98),
                n128=dict(syn=dict(n=128)), n128_steps2=dict(syn=dict(n=128), steps=2),
                steps240=dict(syn=dict(steps=240)), copies1=dict(syn=dict(copies=1)), copies1_steps240=dict(syn=dict(copies=1, steps=240)),
                n128_copies1_steps240=dict(syn=dict(n=128, copies=1, steps=240)),
                c16_copies1_steps240=dict(syn=dict(copies=1, steps=240, coarse=16)),
                copies1_steps96=dict(syn=dict(copies=1, steps=96)), n128_copies2_steps96=dict(syn=dict(n=128, copies=2, steps=96)),
                n128_steps192=dict(syn=dict(n=128, steps=192)), n128_copies1_steps48=dict(syn=dict(n=128, copies=1, steps=48)),
                n128_copies1_steps32=dict(syn=dict(n=128, copies=1, steps=32)), n256_copies1_steps24=dict(syn=dict(n=256, copies=1, steps=24)),
                drop1=dict(drop_blocks=1), drop2=dict(drop_blocks=2), drop4=dict(drop_blocks=4), multiple8=dict(multiple=8),
                rank_latency=dict(rank='latency'), latency80=dict(target_latency=0.8), latency70=dict(target_latency=0.7), rank_latency_multiple8=dict(rank='latency', multiple=8),
                distill1_lr4=dict(distill=dict(minutes=1., lr=1e-4)),
                **{f'distill{m}_features': dict(distill=dict(minutes=float(m), lr=1e-4, features=1.)) for m in (1, 2, 5, 10)},
                **{f'distill{m}_fresh': dict(distill=dict(minutes=float(m), lr=1e-4, features=1., fresh=0.3)) for m in (2, 5)},
                **{f'distill{m}_adversarial': dict(distill=dict(minutes=float(m), lr=1e-4, features=1., fresh=0.3, adversarial=1.)) for m in (2, 5)},
                steps2_distill5_features=dict(steps=2, distill=dict(minutes=5., lr=1e-4, features=1.)),
                pool1024_distill5=dict(distill=dict(minutes=5., lr=1e-4, features=1., inputs=1024)),
                **{f'dipool1024_distill{m}': dict(distill=dict(minutes=float(m), lr=1e-4, features=1., inputs=1024, synthesis=dict(steps=200, ce=1., jitter=True)))
                   for m in (5, 10, 20)},
                real128=dict(real=128), real1024=dict(real=1024), real1024_distill5=dict(real=1024, distill=dict(minutes=5., lr=1e-4, features=1.)))

def real_batch(n, seed):
    "`n` real CIFAR-10 training images (normalised, no labels, no augmentation) drawn with `seed`: the ceiling of a synthetic batch"
    from red_nb.core import cifar10
    ds = cifar10(train=True, augment=False)
    idx = torch.randperm(len(ds), generator=torch.Generator().manual_seed(seed))[:n]
    return torch.stack([ds[i][0] for i in idx.tolist()])

@torch.no_grad()
def predictions(model, x, bs=500):
    "Top-1 predictions of `model` on the tensor `x`"
    return torch.cat([model.eval()(x[i:i + bs]).argmax(1) for i in range(0, len(x), bs)])

def widths(model)->str:
    "A short digest of the shapes of every weight: two models with the same digest have the same architecture (and cost)"
    import hashlib
    return hashlib.sha256(str([tuple(t.shape) for t in model.state_dict().values()]).encode()).hexdigest()[:10]

def end_to_end(m, x, target, X, Y, p0, dense, a, env):
    "Seconds of the default strong path, cold (an empty cache folder) and cached; one row each"
    import os, tempfile
    from red_nb.evaluation import red, write_result
    rows, old = [], os.environ.get('XDG_CACHE_HOME')
    with tempfile.TemporaryDirectory() as d:
        os.environ['XDG_CACHE_HOME'] = d
        try:
            for run in ('cold', 'cached'):
                t = time.perf_counter(); r = red(m, x, target_macs=target, reconstruct=True, progress=False); sec = time.perf_counter() - t
                pr = predictions(r.model, X)
                row = dict(variant=f'end_to_end_{run}', target=target, seed=0, macs_removed=1 - r.after.macs / r.before.macs,
                           flops_removed=1 - r.after.flops / r.before.flops, dacc=(pr == Y).float().mean().item() - dense,
                           agreement=(pr == p0).float().mean().item(), seconds=sec, stage_seconds=sum(r.seconds.values()),
                           **{f's_{k}': v for k, v in r.seconds.items()})
                print(row, flush=True); rows.append(row)
        finally:
            if old is None: os.environ.pop('XDG_CACHE_HOME')
            else: os.environ['XDG_CACHE_HOME'] = old
    write_result(RESULTS/f'{a.out}.json', a.out, rows, dict(n_test=a.n_test, dense_acc=dense, threads=a.threads,
                 title=f"ResNet-56: red(target_macs={target}, reconstruct=True) end to end, with an empty cache and with the batch cached"), seeds=[0], env=env)

def main():
    p = parser(__doc__)
    p.add_argument('--variants', default='base', help='comma-separated names of VARIANTS')
    p.add_argument('--targets', default='0.74,0.6,0.471', help='comma-separated target_macs values')
    p.add_argument('--seeds', default='0', help='comma-separated seeds of the synthetic batch')
    p.add_argument('--n-test', type=int, default=2000, help='first test images to evaluate on')
    p.add_argument('--depth', type=int, default=56, help='CIFAR ResNet depth (20, 32, 44, 56, 110)')
    p.add_argument('--out', default='strong_path', help='result name (bench/results/<out>.json)')
    p.add_argument('--threads', type=int, default=1, help='torch threads (the end-to-end timing is also meaningful at the machine\'s core count)')
    p.add_argument('--end-to-end', action='store_true', help="instead: time red(model, x, target_macs=<first target>, reconstruct=True) with red's "
                   "other defaults, once with an empty synthetic-batch cache and once with it filled")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    from red_nb.core import cifar_resnet, cifar10
    from red_nb.evaluation import red, environment, write_result, latency_ratio
    from red_nb.reconstruction import synthetic_batch
    env = environment()
    m = cifar_resnet(a.depth, pretrained=True).eval()
    x = torch.randn(8, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    ds = cifar10()
    X = torch.stack([ds[i][0] for i in range(a.n_test)]); Y = torch.tensor([ds[i][1] for i in range(a.n_test)])
    p0 = predictions(m, X); dense = (p0 == Y).float().mean().item()
    seeds = [int(s) for s in a.seeds.split(',')]
    batches, syn_seconds = {}, {}
    def batch(s, syn):
        "The synthetic batch of seed `s` and settings `syn` (cached on disk and here)"
        key = (s, tuple(sorted(syn.items())))
        if key not in batches:
            t = time.perf_counter(); batches[key] = synthetic_batch(m, seed=s, cache=True, progress=False, **syn)
            syn_seconds[f'{s} {syn}'] = time.perf_counter() - t
        return batches[key]
    rows = []
    if a.end_to_end: return end_to_end(m, x, float(a.targets.split(',')[0]), X, Y, p0, dense, a, env)
    settings = dict(n_test=a.n_test, dense_acc=dense, threads=a.threads,
                    depth=a.depth,
                    title=f"ResNet-{a.depth}, first {a.n_test} test images (dense {dense:.2%}): the strong path and its levers")
    for v in a.variants.split(','):
        for target in (float(t) for t in a.targets.split(',')):
            for s in seeds:
                kw = dict(VARIANTS[v]); real = kw.pop('real', None)
                xs = real_batch(real, s) if real else batch(s, kw.pop('syn', {}))
                if isinstance(kw.get('distill'), dict) and 'inputs' in kw['distill']: kw['distill'] = dict(kw['distill'], seed=s)  # the pool's seeds follow the batch's
                t = time.perf_counter()
                r = red(m, x, target_macs=target, reconstruct=xs, separate=None, latency=None, progress=False, **kw)
                sec = time.perf_counter() - t
                pr = predictions(r.model, X)
                row = dict(variant=v, target=target, seed=s, chosen_target=r.settings.get('target_macs'),
                           macs_removed=1 - r.after.macs / r.before.macs, flops_removed=1 - r.after.flops / r.before.flops,
                           dacc=(pr == Y).float().mean().item() - dense, agreement=(pr == p0).float().mean().item(), seconds=sec,
                           widths=widths(r.model))
                if 'distill' in r.reports: row |= dict(distill_steps=len(r.reports['distill']), s_distill=r.seconds['distill'])
                if 'target_latency' in kw:
                    chosen = [t for t in r.reports['prune'] if t['target_macs'] == round(r.settings['target_macs'], 4)]
                    row |= dict(latency_search=chosen[-1]['latency'], trials=len(r.reports['prune']),
                                latency_check=latency_ratio(r.model, m, x[:1], repeats=60))
                print({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}, flush=True); rows.append(row)
                write_result(RESULTS/f'{a.out}.json', a.out, rows, settings, seeds=seeds, env=env,
                             extra=dict(synthetic_seconds=syn_seconds, variants={k: VARIANTS[k] for k in a.variants.split(',')}))
    print(f"wrote {RESULTS/f'{a.out}.json'}")

if __name__ == '__main__': main()
