"""Removing whole residual blocks from ResNet-56, data-free: accuracy, MACs and latency of red(..., drop_blocks=k).

The pretrained CIFAR-10 ResNet-56 goes through `red` with `drop_blocks` = 2, 4, 6, 8 alone, with channel pruning alone
(`target_macs`, `reconstruct=True`), and with both. Everything data-free: one synthetic batch matched to the
BatchNorm statistics (cached) judges the blocks and the channels and refits the layers. Per setting: accuracy
change and top-1 agreement with the dense model on the first --n-test test images (JPEG-rebuilt CIFAR-10), MACs
removed, and the latency of output against input at batch 1 and 64 (`latency_report` of the input and all outputs
together: one process, interleaved, alternating order, medians; the median ratio over --rounds rounds; --threads threads). The key figure is `cut_ratio_bN` = latency cut / MACs cut.
Separation is off (`separate=None`) so that only the removal shows. Writes bench/results/depth_resnet56.json
at the end. About 20 minutes on one loaded core.

    python bench/depth_resnet56.py [--settings d1,d2,d3,d4,d6,d8,p0.8,p0.7,d2p0.8,d2p0.7] [--n-test 2000] [--threads 1]
"""
import re, time, statistics
import torch
from common import parser, synthesis_options, RESULTS

def parse_setting(s:str)->dict:
    "'d4' -> drop_blocks=4; 'p0.7' -> target_macs=0.7 with reconstruction; 'd4p0.7' -> both"
    m = re.fullmatch(r'(?:d(\d+))?(?:p([0-9.]+))?', s)
    if not m or not s: raise SystemExit(f"bad setting {s!r}: expected d<blocks>, p<target_macs> or d<blocks>p<target_macs>")
    return dict(drop_blocks=int(m[1]) if m[1] else None, target_macs=float(m[2]) if m[2] else None)

def main():
    p = parser(__doc__)
    p.add_argument('--settings', default='d1,d2,d3,d4,d6,d8,p0.8,p0.7,d2p0.8,d2p0.7')
    p.add_argument('--n-test', type=int, default=2000, help='first test images')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--budget', type=float, default=3.0, help='seconds of timed runs per batch size and round (3 to 30 runs of every model)')
    p.add_argument('--rounds', type=int, default=5, help='latency rounds; the ratio is the median over rounds')
    p.add_argument('--out', default=str(RESULTS/'depth_resnet56.json'))
    synthesis_options(p, n_syn=64, steps=80)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    from red_nb.core import cifar_resnet, cifar10, evaluate, count_cost, latency_report
    from red_nb.evaluation import red, environment, write_result
    from red_nb.reconstruction import synthetic_batch
    env = environment()
    dense = cifar_resnet(56, pretrained=True)
    x = torch.randn(8, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    x_syn = synthetic_batch(dense, n=a.n_syn, steps=a.steps, seed=0, cache=True, progress=False)  # red's default recipe, cached
    test = torch.utils.data.Subset(cifar10(), range(a.n_test))
    base = evaluate(dense, test, progress=False)['acc']
    macs0 = count_cost(dense, x).macs
    settings = dict(title='ResNet-56, data-free: residual blocks removed (drop_blocks) and channels pruned (target_macs); ratio = output / input time',
                    model='resnet56', n_test=a.n_test, n_syn=a.n_syn, steps=a.steps, threads=a.threads, budget_seconds=a.budget,
                    separate=None, dense_acc=base)
    models, rows = {}, []
    for s in a.settings.split(','):  # compress and score every setting first...
        opt = parse_setting(s)
        t0 = time.perf_counter()
        res = red(dense, x, separate=None, reconstruct=x_syn, latency=None, progress=False, **opt)
        sec = time.perf_counter() - t0
        ev = evaluate(res.model, test, reference=dense, progress=False)
        models[s] = res.model
        rows.append(dict(setting=s, drop_blocks=opt['drop_blocks'] or 0, target_macs=opt['target_macs'] or '',
                         blocks=' '.join(r['block'] for r in res.reports.get('drop', [])), macs_kept=round(res.after.macs / macs0, 4),
                         dacc=round(100 * (ev['acc'] - base), 2), agreement=round(ev['agreement'], 4), red_seconds=round(sec, 1)))
        print(rows[-1], flush=True)
    ratios = {}  # ...then time them all together: every round runs every model under the same load
    for _ in range(a.rounds):
        rep = latency_report({'input': dense, **models}, x, (1, 64), budget=a.budget)
        for r in rep: ratios.setdefault((r['model'], r['batch']), []).append(r['ratio'])
        ms_in = {r['batch']: r['ms'] for r in rep if r['model'] == 'input'}
    for row in rows:
        cut = 1 - row['macs_kept']
        for b in (1, 64):
            row[f'ratio_b{b}'] = round(statistics.median(ratios[(row['setting'], b)]), 3)
            row[f'cut_ratio_b{b}'] = round((1 - row[f'ratio_b{b}']) / cut, 2) if cut > 0 else ''
    settings.update(rounds=a.rounds, input_ms_last_round=ms_in)
    write_result(a.out, 'depth_resnet56', rows, settings=settings, seeds=[0], env=env)
    for row in rows: print(row)

if __name__ == '__main__': main()
