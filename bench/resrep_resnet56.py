"""ResRep on CIFAR ResNet-56 (published weights) toward 52.9 % fewer MACs on a CPU budget, next to RED at the same MACs.

    nohup python bench/resrep_resnet56.py [--steps 750] [--threads 1] > results/resrep_resnet56.log 2>&1 &

The paper trains ResNet-56 for 480 epochs on a GPU (about 375 000 steps of 64); this script runs `--steps`
steps of 64 (750 by default, 0.96 epoch, about 35 min on one core of this machine) with the
schedule scaled to fit (printed below and recorded in the JSON). The run checkpoints to
results/resrep_resnet56.pt (never committed) and resumes from it when started again.
Duration: about 1 h with the defaults (35-45 min of training). It writes bench/results/resrep_resnet56.json
(`red_nb.evaluation.write_result`) and prints a table: accuracy on the CIFAR-10 test set
(the JPEG-rebuilt copy: compare deltas and agreement with the dense model, not absolute numbers) of
  - the dense model (baseline of this process),
  - ResRep after training and conversion (and its exactness against the trained re-parameterised model),
  - ResRep's final channel selection applied to the dense weights without training (what training bought),
  - RED (no data, no training) at the MACs ResRep reached.
"""
import argparse, json, time, copy
from pathlib import Path
import torch
from red_nb.core import cifar_resnet, cifar10, predict, count_cost, max_output_diff, Report
from red_nb.evaluation import red, environment, write_result
from red_nb.resrep import (add_compactors, compactors, resrep_train, resrep_convert, resrep_report, WidthCost,
                           resrep_param_groups)

ROOT = Path(__file__).resolve().parent.parent

def step_seconds(model, batch_size, n=3):
    "Median seconds of one ResRep training step (forward, backward, SGD) on random data"
    m = copy.deepcopy(model).train()
    opt = torch.optim.SGD(resrep_param_groups(m), lr=1e-3)
    x, y = torch.randn(batch_size, 3, 32, 32), torch.randint(0, 10, (batch_size,))
    ts = []
    for _ in range(n + 1):
        t0 = time.perf_counter()
        opt.zero_grad(); torch.nn.functional.cross_entropy(m(x), y).backward(); opt.step()
        ts.append(time.perf_counter() - t0)
    return sorted(ts[1:])[len(ts[1:]) // 2]

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=750)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--target', type=float, default=0.471, help='fraction of the MACs to keep (ResRep ResNet-56: 0.471)')
    p.add_argument('--lr', type=float, default=0.01)
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--lasso', type=float, default=1e-4)
    p.add_argument('--forget-lasso', type=float, default=0.3)
    p.add_argument('--mask-start', type=int, default=80, help='steps before the first mask update')
    p.add_argument('--mask-interval', type=int, default=2)
    p.add_argument('--granularity', type=int, default=8)
    p.add_argument('--n-test', type=int, default=10000)
    p.add_argument('--checkpoint', default=str(ROOT/'results'/'resrep_resnet56.pt'))
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'resrep_resnet56.json'))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    env = environment(); print(env, flush=True)
    t_start = time.perf_counter()

    dense = cifar_resnet(56, pretrained=True)
    x = torch.randn(8, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    base = count_cost(dense, x)
    rr0 = add_compactors(dense, x)
    wc = WidthCost(rr0, x)
    lowest = wc.macs({n: 1 for n in wc.full}) / wc.base
    print(f"dense: {base}; {len(wc.full)} compactor sites, {sum(wc.full.values())} prunable internal channels; "
          f"lowest reachable MACs fraction (1 channel per site) {lowest:.3f} -> target {a.target} is "
          f"{'reachable' if lowest <= a.target else 'NOT reachable'}", flush=True)
    sec = step_seconds(rr0, a.batch_size)
    print(f"speed: {sec:.2f} s per training step of {a.batch_size} ({a.threads} thread(s)) -> {a.steps} steps ~ {sec * a.steps / 60:.0f} min", flush=True)

    train = cifar10(train=True)
    per_epoch = len(train) // a.batch_size
    settings = dict(steps=a.steps, epochs=round(a.steps / per_epoch, 3), batch_size=a.batch_size, lr=a.lr, schedule='cosine',
                    lasso=a.lasso, forget_lasso=a.forget_lasso, compactor_momentum=0.99, momentum=0.9, weight_decay=1e-4,
                    mask_start_steps=a.mask_start, mask_interval=a.mask_interval, granularity=a.granularity, snap=True, target_macs=a.target,
                    paper=dict(epochs=480, steps=480 * per_epoch, mask_start_epochs=5, mask_interval=200, granularity=4, lasso=1e-4,
                               forget_lasso='= lasso', snap=False))
    print('settings:', json.dumps(settings), flush=True)
    t0 = time.perf_counter()
    trained = resrep_train(dense, train, target_macs=a.target, epochs=(a.steps - 0.5) / per_epoch, lr=a.lr, batch_size=a.batch_size,
                           lasso=a.lasso, forget_lasso=a.forget_lasso, mask_start=a.mask_start / a.steps,
                           mask_interval=a.mask_interval, granularity=a.granularity, example_input=x,
                           checkpoint=a.checkpoint, log_every=25)
    train_wall = time.perf_counter() - t0
    train_seconds = trained.history[-1]['seconds'] if len(trained.history) else None
    print(trained.resrep_log.table() if len(trained.resrep_log) < 40 else Report(trained.resrep_log[::10] + trained.resrep_log[-1:], trained.resrep_log.title), flush=True)
    rep = resrep_report(trained)
    print(rep, flush=True)

    narrow = resrep_convert(trained, x)
    test = cifar10()
    if a.n_test < len(test): test = torch.utils.data.Subset(test, range(a.n_test))
    xt = torch.stack([test[i][0] for i in range(min(256, len(test)))])
    exact = max_output_diff(trained, narrow, xt)
    masked_nonzero = sum(r['masked'] - r['zero'] for r in rep if r['masked'] > r['zero'])
    cost_rr = count_cost(narrow, x)
    print(f"converted: {cost_rr}; MACs kept {cost_rr.macs / base.macs:.4f}; max_output_diff vs trained {exact:.1e}; "
          f"masked rows not yet zero: {masked_nonzero}", flush=True)

    # ResRep's final channel selection on the dense weights, without training
    sel = add_compactors(dense, x)
    with torch.no_grad():
        for (n, s), (_, t) in zip(compactors(sel).items(), compactors(trained).items()):
            s.compactor.mask.copy_(t.compactor.mask); s.compactor.weight[t.compactor.mask == 0] = 0
    selection_only = resrep_convert(sel, x)

    t0 = time.perf_counter()
    res = red(dense, x, target_macs=cost_rr.macs / base.macs, progress=False)
    red_seconds = time.perf_counter() - t0
    red_cost_unsep = count_cost(res.unseparated, x)

    rows = []
    p_dense, labels = predict(dense, test, progress=False)
    e_dense = dict(acc=(p_dense == labels).float().mean().item())
    def row(method, model, cost, data, seconds, note=''):
        p_model, _ = predict(model, test, progress=False)
        e = dict(acc=(p_model == labels).float().mean().item(), agreement=(p_model == p_dense).float().mean().item())
        r = dict(method=method, data=data, params_kept=round(cost.params / base.params, 4), macs_kept=round(cost.macs / base.macs, 4),
                 acc=round(e['acc'], 4), dacc=round(e['acc'] - e_dense['acc'], 4), agreement=round(e['agreement'], 4),
                 seconds=None if seconds is None else round(seconds, 1), note=note)
        print(r, flush=True); rows.append(r)
    rows.append(dict(method='dense ResNet-56', data='-', params_kept=1.0, macs_kept=1.0, acc=round(e_dense['acc'], 4), dacc=0.0,
                     agreement=1.0, seconds=0, note=f"{base.macs / 1e6:.1f} M MACs, {base.params / 1e6:.3f} M params"))
    row('ResRep (trained, converted)', narrow, cost_rr, f"{a.steps} steps x {a.batch_size} train images", train_seconds,
        f"exact vs trained: {exact:.1e}")
    row('ResRep selection, no training', selection_only, count_cost(selection_only, x), 'its channel choice', None, 'dense weights, final masks')
    row('RED (target_macs)', res.unseparated, red_cost_unsep, 'none', red_seconds, 'merged+pruned, before separation')
    r_sep = res.after
    rows[-1]['note'] += f"; separated: MACs kept {r_sep.macs / base.macs:.4f} (same function)"
    table = Report(rows, title=f"ResNet-56, CIFAR-10 test ({len(test)} JPEG-rebuilt images): ResRep on a CPU budget vs RED at the same MACs")
    print(table, flush=True)
    extra = dict(speed_seconds_per_step=sec, train_wall_seconds=train_wall,
               train_seconds=train_seconds, lowest_reachable_macs=lowest, target_reachable=lowest <= a.target,
               exactness=exact, masked_rows_not_zero=masked_nonzero, mask_log=list(trained.resrep_log), history=list(trained.history),
               compactors=list(rep), widths={r['layer']: r['width'] - r['zero'] for r in rep},
               total_seconds=time.perf_counter() - t_start)
    settings = dict(settings, n_test=len(test), title=table.title,
                    published=dict(resrep_resnet56='93.71 -> 93.71 at -52.9 % FLOPs (src56 with projection shortcuts, 480 GPU epochs)'))
    write_result(a.out, 'resrep_resnet56', rows, settings, seeds=[0], env=env, extra=extra)
    print(f"wrote {a.out}", flush=True)
