"""Which widths suit this CPU: latency of ResNet-56's 3x3 convolutions against their width, and RED with widths rounded.

1. Sweep: for each stage of ResNet-56 (16, 32, 64 channels at 32, 16, 8 px) a 3x3 convolution with in = out = width
   channels, every width from 8 to the stage's width plus half (64 for the last stage) in steps of 1, at batch 1 and 64.
   All widths of one stage and batch are timed together in one interleaved run (alternating order, medians) through the
   latency table (`red_nb.clock`, refreshed), so their times are comparable.
2. RED on the pretrained ResNet-56: red(target_macs, reconstruct=<one synthetic batch>) without rounding and with
   multiple=8 and 16; latency against the dense network at batch 1 and 64 (`latency_report`), accuracy on the first n test
   images (the JPEG-rebuilt CIFAR-10 test set).
Writes bench/results/clock.json (rows: `table`='widths' summaries and `table`='red'; extra.sweep: every width's time).
With --runtime onnxruntime the sweep times each convolution exported alone to ONNX in ONNX Runtime (the latency table of
that runtime) and writes bench/results/clock_onnxruntime.json; the RED part is then skipped (its latency report is eager).
Widths summary: local_16 (local_8) is the median, over the widths that are multiples of 16 (of 8 but not 16), of their
time per unit of work (ms / width^2) divided by the mean of their two neighbours' (below 1: the multiple is cheaper
per unit of work); up8_not_slower (up16_not_slower) is the fraction of the other widths for which the next multiple
of 8 (16) is measured no slower.

    python bench/clock.py [--threads 1] [--batches 1,64] [--target-macs 0.6] [--multiples 8,16] [--n-test 2000] [--skip-red]
    python bench/clock.py --runtime onnxruntime [--threads 1] [--batches 1,64] [--repeats 15]
"""
import statistics, time, math
import torch
from common import parser, RESULTS

STAGES = ((16, 32, 32), (32, 16, 48), (64, 8, 64))  # (channels, resolution, largest width swept)

def sweep(batches, repeats, runtime='eager'):
    "Every width of every stage at every batch size, on `runtime`: rows (batch, resolution, width, ms)"
    from red_nb.clock import latency_table, conv_config
    table, rows = latency_table(runtime=runtime), []
    for b in batches:
        for ch, px, top in STAGES:
            widths = list(range(8, top + 1))
            items = [(conv_config(w, w), (b, w, px, px)) for w in widths]
            t0 = time.perf_counter()
            secs = table.times(items, repeats=repeats, refresh=True)
            rows += [dict(batch=b, resolution=px, stage=ch, width=w, ms=round(1e3 * s, 4)) for w, s in zip(widths, secs)]
            print(f"batch {b}, {px} px: {len(widths)} widths in {time.perf_counter() - t0:.0f} s", flush=True)
    return rows

def summary(rows):
    "Per batch and stage: is a multiple of 8 (16) cheaper per unit of work than its neighbours, and is rounding up to it not slower"
    out = []
    for b in sorted({r['batch'] for r in rows}):
        for px in sorted({r['resolution'] for r in rows}, reverse=True):
            t = {r['width']: r['ms'] for r in rows if r['batch'] == b and r['resolution'] == px}
            work = lambda w: t[w] / w**2  # ms per unit of work (channels in x out)
            def local(m, exclude=0):  # median over the multiples of m of work(w) / mean of its two neighbours' work
                ws = [w for w in t if w % m == 0 and not (exclude and w % exclude == 0) and w - 1 in t and w + 1 in t]
                return round(statistics.median(work(w) / ((work(w - 1) + work(w + 1)) / 2) for w in ws), 3) if ws else ''
            def up_ok(m):  # fraction of the other widths whose rounding up to a multiple of m is not slower
                ws = [w for w in t if w % m and math.ceil(w / m) * m in t]
                return round(sum(t[math.ceil(w / m) * m] <= t[w] for w in ws) / len(ws), 3)
            out.append(dict(table='widths', batch=b, resolution=px, widths=f"{min(t)}-{max(t)}", local_16=local(16), local_8=local(8, 16),
                            up8_not_slower=up_ok(8), up16_not_slower=up_ok(16)))
    return out

def red_rows(a, batches):
    "RED with and without multiple=8: MACs kept, latency ratios to the dense model, accuracy"
    from red_nb.core import cifar_resnet, cifar10, evaluate, latency_report
    from red_nb.evaluation import red
    from red_nb.reconstruction import synthetic_batch
    dense = cifar_resnet(56, pretrained=True).eval()
    x = torch.randn(8, 3, 32, 32, generator=torch.Generator().manual_seed(0))  # tracing and costs only
    ds = torch.utils.data.Subset(cifar10(), range(a.n_test))
    acc_dense = evaluate(dense, ds, progress=False)['acc']
    x_syn = synthetic_batch(dense, cache=True, progress=False)
    rows, models = [], {}
    for mult in (None, *a.multiples):
        t0 = time.perf_counter()
        res = red(dense, x, target_macs=a.target_macs, reconstruct=x_syn, multiple=mult, verify=False, progress=False, latency=None)
        sec = time.perf_counter() - t0
        widths = [m.out_channels for n, m in res.unseparated.named_modules() if n.endswith('conv1') and '.' in n]  # each block's inner width
        models[mult] = res
        rows.append(dict(table='red', multiple=mult or '-', macs_kept=round(res.after.macs / res.before.macs, 4),
                         acc=evaluate(res.model, ds, progress=False)['acc'], acc_dense=acc_dense, red_seconds=round(sec, 1),
                         widths=' '.join(map(str, widths))))
        print(rows[-1], flush=True)
    names = {m: 'red' if m is None else f'red multiple={m}' for m in models}
    rep = latency_report({'dense': dense, **{names[m]: res.model for m, res in models.items()}}, x, batches, budget=a.budget)
    for row, name in zip(rows, names.values()):
        for b in batches: row[f'ratio_b{b}'] = next(r['ratio'] for r in rep if r['batch'] == b and r['model'] == name)
    return rows, [dict(r) for r in rep]

def main():
    p = parser(__doc__)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--batches', default='1,64', help='comma-separated batch sizes')
    p.add_argument('--repeats', type=int, default=15, help='timed rounds of each width sweep')
    p.add_argument('--target-macs', type=float, default=0.6)
    p.add_argument('--multiples', default='8,16', help='comma-separated values of `multiple` to compare with no rounding')
    p.add_argument('--n-test', type=int, default=2000, help='test images for the accuracy')
    p.add_argument('--budget', type=float, default=20.0, help='seconds of timed runs per batch size in the latency report')
    p.add_argument('--skip-red', action='store_true', help='only the width sweep')
    p.add_argument('--runtime', default='eager', choices=('eager', 'onnxruntime'), help='where the swept convolutions run (onnxruntime: the sweep only)')
    p.add_argument('--out', default=None, help='result file (default: bench/results/clock.json, clock_onnxruntime.json with --runtime onnxruntime)')
    a = p.parse_args()
    if a.runtime != 'eager': a.skip_red = True
    a.out = a.out or str(RESULTS/('clock.json' if a.runtime == 'eager' else f'clock_{a.runtime}.json'))
    torch.set_num_threads(a.threads)
    from red_nb.evaluation import environment, write_result
    env = environment()
    batches = tuple(int(b) for b in a.batches.split(','))
    a.multiples = tuple(int(m) for m in a.multiples.split(','))
    pts = sweep(batches, a.repeats, a.runtime)
    rows = summary(pts)
    extra = dict(sweep=pts)
    if not a.skip_red:
        red_r, extra['latency'] = red_rows(a, batches)
        rows += red_r
    title = 'widths on this CPU, and RED with rounded widths' if a.runtime == 'eager' else f'widths on this CPU in {a.runtime}'
    if a.runtime == 'onnxruntime':
        from red_nb.clock import ort_context
        extra['runtime'] = ort_context()  # the runtime's version and provider
    write_result(a.out, 'clock' if a.runtime == 'eager' else f'clock_{a.runtime}', rows, settings=dict(title=title, runtime=a.runtime, threads=a.threads, batches=batches,
                 repeats=a.repeats, target_macs=a.target_macs, multiples=a.multiples, budget_seconds=a.budget, n_test=a.n_test, stages=STAGES), seeds=[0], env=env, extra=extra)

if __name__ == '__main__': main()
