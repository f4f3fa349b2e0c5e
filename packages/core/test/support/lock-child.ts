import { spawn } from 'node:child_process';

/** Starts `child` (a fixture) and resolves once it holds lock `name`; kill() is kill -9. */
export async function childHoldingLock(child: string, url: string, name: string) {
  const proc = spawn(process.execPath, ['--conditions=ballast-source', '--import', 'tsx', child, url, name], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (d) => String(d).includes('locked') && resolve());
    void exited.then(() => reject(new Error(`lock child ended before taking the lock: ${stderr}`)));
  });
  return {
    pid: proc.pid!,
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
