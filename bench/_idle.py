import asyncio, sys, time
sys.path.insert(0, "bench")
from e2e_pipeline import Finals, open_loop
from harness import running_system
async def main():
    async with running_system() as system:
        finals = Finals(system); t = asyncio.create_task(finals.run()); await finals.ready.wait()
        await open_loop(system, 3, 20); await asyncio.sleep(5)
        before = system.cpu_seconds(); await asyncio.sleep(15); after = system.cpu_seconds()
        print("idle cores:", {k: round((after[k]-before.get(k,0))/15, 3) for k in after})
        t.cancel()
asyncio.run(main())
