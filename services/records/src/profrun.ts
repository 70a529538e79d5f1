import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync, rmSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
const [name, entry, path] = process.argv.slice(2);
const dir = `/tmp/p-${name}`; rmSync(dir, { recursive: true, force: true }); mkdirSync(dir);
const port = 30000 + Math.floor(Math.random() * 20000);
const t0 = performance.now();
const c = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, entry!], { env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: 'mysql://root@127.0.0.1:3306/benchexp' }, stdio: ['ignore', openSync(`${dir}/log`, 'w'), 'inherit'] });
const url = `http://127.0.0.1:${port}${path}`;
for (let i = 0; i < 100; i++) { if ((await fetch(url).then(r => r.status, () => 0)) === 200) break; await sleep(100); }
await autocannon({ url, connections: 20, duration: 2 });
const start = performance.now() - t0;
const r = await autocannon({ url, connections: 20, amount: 50000 });
const end = performance.now() - t0;
writeFileSync(`${dir}/window.json`, JSON.stringify({ start, end }));
console.log(name, r.requests.total, 'requests', (end - start).toFixed(0), 'ms');
c.kill('SIGTERM'); await new Promise(res => c.on('exit', res));
