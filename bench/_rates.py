import asyncio, sys, time
sys.path.insert(0, "bench")
from e2e_pipeline import Finals, open_loop, drain, percentile
from harness import running_system

async def main(rates):
    async with running_system() as system:
        finals = Finals(system); t = asyncio.create_task(finals.run()); await finals.ready.wait()
        await open_loop(system, 3, 20)
        for rate in rates:
            before = system.cpu_seconds(); t0 = time.monotonic()
            run = await open_loop(system, 15, rate)
            await drain(finals, run.sent, 60)
            after = system.cpu_seconds(); el = time.monotonic() - t0
            lat = [(finals.at[c] - s) * 1000 for c, s in run.sent.items() if c in finals.at]
            cpu = {k: round((after[k] - before.get(k, 0)) / len(run.sent) * 1000, 2) for k in after}
            util = sum(after[k] - before.get(k, 0) for k in after) / el
            print(f"rate {rate}: p50 {percentile(lat,50):.0f} p99 {percentile(lat,99):.0f} ms; cores busy {util:.2f}; cpu ms/claim {cpu} total {sum(cpu.values()):.1f}", flush=True)
        t.cancel()
asyncio.run(main([float(r) for r in sys.argv[1:]]))
