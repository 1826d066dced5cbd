// Alerts: what is firing now and the history, the rules (with a 7-day preview in the editor),
// silences, and notification channels. Tabs are paths, so a link opens the same view.
import { useEffect, useState } from 'react';
import { NavLink, useParams } from 'react-router-dom';
import { canEdit } from '../api/session.ts';
import { AlertsNow } from '../components/alerts/AlertsNow.tsx';
import { Channels } from '../components/alerts/Channels.tsx';
import { RuleEditor } from '../components/alerts/RuleEditor.tsx';
import { RulesList } from '../components/alerts/RulesList.tsx';
import { Silences } from '../components/alerts/Silences.tsx';
import { useApp } from '../lib/app-context.tsx';
import { canManageChannels } from '../lib/alerts-view.ts';

const EDITOR_WHY = 'Viewers cannot change rules or silences: ask an administrator for an editor grant.';
const TABS = [
  ['', 'Alerts'],
  ['rules', 'Rules'],
  ['silences', 'Silences'],
  ['channels', 'Channels'],
] as const;

export function Alerts() {
  const { tab = '', ruleId } = useParams();
  const { user, live } = useApp();
  const editor = canEdit(user);
  // alerts change when rules are evaluated (every minute or so), not when data arrives: poll
  const [refreshKey, setRefreshKey] = useState(0);
  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => setRefreshKey((k) => k + 1), 15_000);
    return () => clearInterval(t);
  }, [live]);
  let body;
  if (tab === 'rules' && ruleId) body = <RuleEditor ruleId={ruleId === 'new' ? null : ruleId} editor={editor} why={EDITOR_WHY} />;
  else if (tab === 'rules') body = <RulesList editor={editor} why={EDITOR_WHY} />;
  else if (tab === 'silences') body = <Silences editor={editor} why={EDITOR_WHY} />;
  else if (tab === 'channels') body = <Channels admin={canManageChannels(user.grants)} />;
  else body = <AlertsNow refreshKey={refreshKey} />;
  return (
    <div className="page alerts-page">
      <div className="page-head">
        <h1>Alerts</h1>
      </div>
      <nav className="tabs" aria-label="Alerts">
        {TABS.map(([path, label]) => (
          <NavLink key={path} to={path ? `/alerts/${path}` : '/alerts'} end={path === ''} data-testid={`alerts-tab-${path || 'alerts'}`}>
            {label}
          </NavLink>
        ))}
      </nav>
      {body}
    </div>
  );
}
