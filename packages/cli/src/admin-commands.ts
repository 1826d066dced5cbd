// `vigil users …` and `vigil audit …`: administration that works beside a running server,
// on the metadata store only.
import os from 'node:os';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { PasswordSchema, ROLES, UsernameSchema, type AuditInput, type Grant, type Role } from '@vigil/core';
import { accountFailureKey, hashPassword, openMetaStore, verifyAudit, type Config } from '@vigil/server';

type Out = (line: string) => void;

/** Reads a password from stdin (piped) or asks twice on the terminal without echo. */
async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      let muted = false;
      const out = new Writable({ write: (chunk, _enc, cb) => (muted ? cb() : process.stdout.write(chunk, cb)) });
      const rl = createInterface({ input: process.stdin, output: out, terminal: true });
      rl.question(q, (a) => (rl.close(), process.stdout.write('\n'), resolve(a)));
      muted = true;
    });
  const a = await ask('password: ');
  const b = await ask('again: ');
  if (a !== b) throw new Error('the two passwords differ; nothing was changed');
  return a;
}

const cliAudit = (action: string, target: string, details: Record<string, unknown>): AuditInput => ({
  ts: new Date().toISOString(), actor_type: 'system', actor_id: null, actor_name: `cli (${os.userInfo().username})`, action,
  target_type: 'user', target_id: target, outcome: 'success', ip: null, user_agent: 'vigil cli', details,
});

export function registerAdminCommands(program: Command, configOrExit: () => Config, print: Out): void {
  const fail = (msg: string, code = 1): never => {
    process.stderr.write(`vigil: ${msg}\n`);
    process.exit(code);
  };
  const open = () => openMetaStore(configOrExit()).catch((e: Error) => fail(e.message));

  const users = program.command('users').description('manage users (works while the server runs)');
  users
    .command('create <username>')
    .description('create a user with a password; --admin gives the admin role on all models (use it for the first admin)')
    .option('--admin', 'admin on all models')
    .option('--role <role>', `role: ${ROLES.join(', ')}`)
    .option('--team <team>', 'scope the role to this team (default: all models)')
    .option('--password-stdin', 'read the password from standard input instead of asking')
    .action(async (name: string, o: { admin?: boolean; role?: string; team?: string; passwordStdin?: boolean }) => {
      const username = UsernameSchema.safeParse(name);
      if (!username.success) fail(`username "${name}": ${username.error.issues[0]?.message}`, 2);
      const role = (o.admin ? 'admin' : (o.role ?? 'viewer')) as Role;
      if (!ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`, 2);
      if (o.admin && o.team) fail('--admin means admin on all models; for a team admin use --role admin --team <team>', 2);
      const { meta } = await open();
      try {
        // The password is checked before anything is written, so a refused one leaves no team behind.
        const password = PasswordSchema.safeParse(await readPassword(o.passwordStdin ?? false));
        if (!password.success) fail(`password: ${password.error.issues[0]?.message}`, 2);
        if (await meta.getUserByUsername(username.data!)) fail(`user "${username.data}" already exists; list users with \`vigil users list\``);
        if (o.team && !(await meta.getTeam(o.team))) {
          await meta.createTeam({ id: o.team, name: o.team }, new Date().toISOString());
          await meta.appendAudit([{ ...cliAudit('team.create', o.team, {}), target_type: 'team' }]);
        }
        const grants: Grant[] = [{ role, scope: o.team ? { kind: 'team', team: o.team } : { kind: 'all' } }];
        const u = await meta.createUser({ username: username.data!, display_name: username.data!, email: null, kind: 'human', persona: null, source: 'local', password_hash: await hashPassword(password.data!), grants }, new Date().toISOString());
        await meta.appendAudit([cliAudit('user.create', u.id, { username: u.username, grants })]);
        print(`vigil: created user "${u.username}" (${role} on ${o.team ? `team "${o.team}"` : 'all models'}); sign in at /api/v1/auth/sign-in`);
      } catch (e) {
        fail((e as Error).message);
      } finally {
        await meta.close();
      }
    });
  users
    .command('list')
    .description('list users and service accounts')
    .action(async () => {
      const { meta } = await open();
      try {
        for (const u of await meta.listUsers()) {
          const grants = u.grants.map((g) => `${g.role}@${g.scope.kind === 'all' ? '*' : g.scope.kind === 'team' ? `team:${g.scope.team}` : g.scope.models.join('+')}`).join(' ');
          print(`${u.username.padEnd(24)} ${u.kind.padEnd(8)} ${u.source.padEnd(6)} ${u.disabled ? 'disabled' : 'enabled '} ${grants || '(no grants)'}`);
        }
      } finally {
        await meta.close();
      }
    });
  users
    .command('reset-password <username>')
    .description("set a user's password and end their sessions")
    .option('--password-stdin', 'read the password from standard input instead of asking')
    .action(async (name: string, o: { passwordStdin?: boolean }) => {
      const { meta } = await open();
      try {
        const u = await meta.getUserByUsername(name.toLowerCase());
        if (!u) fail(`no user "${name}"; list them with \`vigil users list\``);
        const password = PasswordSchema.safeParse(await readPassword(o.passwordStdin ?? false));
        if (!password.success) fail(`password: ${password.error.issues[0]?.message}`, 2);
        await meta.setPasswordHash(u!.id, await hashPassword(password.data!), new Date().toISOString());
        await meta.deleteUserSessions(u!.id);
        await meta.clearLoginFailures(accountFailureKey(u!.username));
        await meta.appendAudit([cliAudit('user.password_reset', u!.id, { username: u!.username })]);
        print(`vigil: password of "${u!.username}" changed; their sessions ended`);
      } finally {
        await meta.close();
      }
    });

  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('check the hash chain of the whole audit log; exits 1 at the first entry that was changed, removed or reordered')
    .action(async () => {
      const config = configOrExit();
      const { meta, auditHash } = await open();
      const started = Date.now();
      let last = 0;
      const r = await verifyAudit(meta, auditHash, { now: Date.now(), retentionDays: config.VIGIL_AUDIT_RETENTION_DAYS, onProgress: (n) => {
        if (Date.now() - last > 1000) {
          last = Date.now();
          process.stderr.write(`vigil: checked ${n} entries…\n`);
        }
      } });
      await meta.close();
      if (!r.ok) return fail(`audit log FAILED verification at entry ${r.seq}: ${r.problem} (${r.checked} entries before it are intact)`);
      print(`vigil: audit log intact: ${r.checked} entries checked in ${((Date.now() - started) / 1000).toFixed(1)} s${r.lastSeq !== null ? `, last entry ${r.lastSeq}` : ''}`);
    });
}
