/**
 * A network namespace of the test's own: loopback up and one end of a veth
 * pair with a private address, so WebRTC has a non-loopback host candidate
 * while no packet can leave the machine (the other end has no address and
 * no route). Created and deleted by the test; nothing else is touched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export type Namespace = { name: string; address: string; remove: () => void };

export function createNamespace(tag: string): Namespace {
  const id = `${process.pid % 100000}`;
  const name = `rc-${tag}-${id}`;
  const outer = `rc${id}o`;
  const inner = `rc${id}i`;
  const address = `10.77.${(process.pid % 200) + 20}.2`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  const remove = () => {
    // Deleting the namespace deletes the inner end, and with it the outer one.
    spawnSync('ip', ['netns', 'del', name]);
    spawnSync('ip', ['link', 'del', outer]);
  };
  remove();
  try {
    ip('netns', 'add', name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
    ip('link', 'set', inner, 'netns', name);
    ip('-n', name, 'addr', 'add', `${address}/24`, 'dev', inner);
    ip('-n', name, 'link', 'set', inner, 'up');
    ip('link', 'set', outer, 'up');
  } catch (err) {
    remove();
    throw err;
  }
  return { name, address, remove };
}

/**
 * Runs one of the e2e scripts (`tests/e2e/<script>`) with tsx inside a
 * namespace and reads the JSON line it prints last: what it measured, with
 * `ok`, or `{ ok: false, error }`. `stderr` is kept for the failure message.
 */
export function runInside<T>(
  namespace: string,
  script: string,
  args: string[],
  timeoutMs: number,
): { result: T; line: string; stderr: string } {
  const run = spawnSync(
    'ip',
    ['netns', 'exec', namespace, join('node_modules', '.bin', 'tsx'), join('tests', 'e2e', script), ...args],
    { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, NODE_ENV: 'test' } },
  );
  const line =
    (run.stdout ?? '')
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .at(-1) ?? '{}';
  return { result: JSON.parse(line) as T, line, stderr: run.stderr ?? '' };
}
