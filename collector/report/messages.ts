/**
 * The message catalogue of `vigil report` (DESIGN section 11): every word a
 * person reads in a report, in each language. Placeholders are `{name}`.
 * Machine values (policy ids, paths, reasons the collector stored, CSV
 * column names) are not translated.
 */

export const REPORT_LANGS = ['en', 'zh-CN'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

const en = {
  'report.title': 'Vigil violations report',
  'report.period': 'Period',
  'report.generated': 'Generated',
  'report.timezone': 'Timezone',
  'report.times':
    'Times are shown in {zone} with their UTC offset; the store keeps UTC.',
  'report.reasons':
    'Reasons are the words the collector stored when it flagged the access.',
  'report.controls':
    'Characters that could hide or reorder text are shown as [U+…] or \\n.',
  'summary.heading': 'Summary',
  'summary.violations': 'Violations',
  'summary.agents': 'Agents',
  'summary.attention': 'Agents needing attention',
  'trend.heading': 'Violations over time',
  'trend.caption': 'Violations flagged per {unit}, stacked by severity',
  'trend.unit.hour': 'hour',
  'trend.unit.day': 'day',
  'trend.unit.week': 'week (from Monday)',
  'trend.unit.month': 'month',
  'trend.bar': '{label}: {count} violations',
  'trend.empty': 'No violations were flagged in this period.',
  'groups.heading': 'Violations by severity, vendor and policy',
  'groups.severity': 'By severity',
  'groups.vendor': 'By vendor',
  'groups.policy': 'By policy',
  'top.heading': 'Top users and paths',
  'top.users': 'Top users',
  'top.paths': 'Top paths',
  'top.note':
    'The {n} users and paths with the most violations. Watchdog and ' +
    'integrity violations name neither.',
  'agents.heading': 'Agent health',
  'agents.note':
    "State and conditions are those the collector's watchdog recorded " +
    'last; counts come from batches received in the period.',
  'violations.heading': 'Violations',
  'col.severity': 'Severity',
  'col.status': 'Status',
  'col.total': 'Total',
  'col.vendor': 'Vendor',
  'col.policy': 'Policy',
  'col.user': 'User',
  'col.path': 'Path',
  'col.agent': 'Agent',
  'col.host': 'Host',
  'col.state': 'State',
  'col.lastSeen': 'Last heard from',
  'col.conditions': 'Conditions now',
  'col.degraded': 'Sensor degraded',
  'col.dropped': 'Events dropped',
  'col.auditLost': 'Audit records lost',
  'col.watchdog': 'Watchdog violations',
  'col.id': '#',
  'col.flagged': 'Flagged',
  'col.rule': 'Policy / rule',
  'col.access': 'Access',
  'col.reason': 'Reason',
  'col.triage': 'Triage',
  'severity.critical': 'critical',
  'severity.high': 'high',
  'severity.medium': 'medium',
  'severity.low': 'low',
  'status.open': 'open',
  'status.acknowledged': 'acknowledged',
  'status.resolved': 'resolved',
  'state.ok': 'ok',
  'state.silent': 'silent',
  'state.revoked': 'revoked',
  'watch.agent.silent': 'silent',
  'watch.agent.coverage': 'designated paths not covered',
  'watch.agent.dropped': 'losing events',
  'watch.agent.clock': 'clock skew',
  'watch.since': '{watch} since {at}',
  'action.read': 'read',
  'action.write': 'write',
  'action.create': 'create',
  'action.delete': 'delete',
  'action.rename': 'rename',
  'action.link': 'link',
  'action.chmod': 'chmod',
  'action.chown': 'chown',
  'action.truncate': 'truncate',
  'action.exec': 'execute',
  'outcome.success': 'succeeded',
  'outcome.denied': 'denied',
  'outcome.failed': 'failed',
  'access.line': '{user} · {action} · {outcome}',
  'access.time': 'at {time}',
  'access.process': 'by {process}',
  'access.none': 'no event: {agent}',
  'history.ack': 'acknowledged',
  'history.resolve': 'resolved',
  'history.reopen': 'reopened',
  'history.step': '{at} {actor} ({role}) {action}',
  'history.none': 'not triaged yet',
  'value.none': 'none',
  'value.unknown': 'unknown',
  'value.never': 'never',
  'value.unattributed': 'unattributed',
  'footer.made':
    'Made by vigil report from the collector store. It names people and ' +
    'files: share it only with those entitled to see them.',
} as const;

/** A key of the catalogue. */
export type MessageKey = keyof typeof en;

const zhCN: Record<MessageKey, string> = {
  'report.title': 'Vigil 违规报告',
  'report.period': '时段',
  'report.generated': '生成时间',
  'report.timezone': '时区',
  'report.times': '时间按 {zone} 显示并注明 UTC 偏移；存储中一律为 UTC。',
  'report.reasons': '原因为采集端标记该访问时记录的原文。',
  'report.controls': '可能隐藏或重排文字的字符显示为 [U+…] 或 \\n。',
  'summary.heading': '概要',
  'summary.violations': '违规',
  'summary.agents': '代理',
  'summary.attention': '需要关注的代理',
  'trend.heading': '违规趋势',
  'trend.caption': '每{unit}标记的违规数，按严重程度堆叠',
  'trend.unit.hour': '小时',
  'trend.unit.day': '天',
  'trend.unit.week': '周（自周一起）',
  'trend.unit.month': '月',
  'trend.bar': '{label}：{count} 条违规',
  'trend.empty': '此时段内没有标记任何违规。',
  'groups.heading': '按严重程度、供应商和策略统计的违规',
  'groups.severity': '按严重程度',
  'groups.vendor': '按供应商',
  'groups.policy': '按策略',
  'top.heading': '违规最多的用户和路径',
  'top.users': '违规最多的用户',
  'top.paths': '违规最多的路径',
  'top.note':
    '违规最多的前 {n} 个用户和路径。看门狗和完整性违规不涉及用户或路径。',
  'agents.heading': '代理健康状况',
  'agents.note':
    '状态和当前状况为采集端看门狗最后记录的结果；计数来自此时段内收到的批次。',
  'violations.heading': '违规明细',
  'col.severity': '严重程度',
  'col.status': '状态',
  'col.total': '合计',
  'col.vendor': '供应商',
  'col.policy': '策略',
  'col.user': '用户',
  'col.path': '路径',
  'col.agent': '代理',
  'col.host': '主机',
  'col.state': '状态',
  'col.lastSeen': '最后联系',
  'col.conditions': '当前状况',
  'col.degraded': '传感器降级',
  'col.dropped': '丢弃事件',
  'col.auditLost': '丢失审计记录',
  'col.watchdog': '看门狗违规',
  'col.id': '编号',
  'col.flagged': '标记时间',
  'col.rule': '策略 / 规则',
  'col.access': '访问',
  'col.reason': '原因',
  'col.triage': '处置',
  'severity.critical': '严重',
  'severity.high': '高',
  'severity.medium': '中',
  'severity.low': '低',
  'status.open': '待处理',
  'status.acknowledged': '已确认',
  'status.resolved': '已解决',
  'state.ok': '正常',
  'state.silent': '静默',
  'state.revoked': '已吊销',
  'watch.agent.silent': '静默',
  'watch.agent.coverage': '未覆盖指定路径',
  'watch.agent.dropped': '正在丢失事件',
  'watch.agent.clock': '时钟偏差',
  'watch.since': '{watch}，自 {at} 起',
  'action.read': '读取',
  'action.write': '写入',
  'action.create': '创建',
  'action.delete': '删除',
  'action.rename': '重命名',
  'action.link': '链接',
  'action.chmod': '修改权限',
  'action.chown': '修改属主',
  'action.truncate': '截断',
  'action.exec': '执行',
  'outcome.success': '成功',
  'outcome.denied': '被拒绝',
  'outcome.failed': '失败',
  'access.line': '{user} · {action} · {outcome}',
  'access.time': '时间 {time}',
  'access.process': '进程 {process}',
  'access.none': '无事件：{agent}',
  'history.ack': '确认',
  'history.resolve': '解决',
  'history.reopen': '重新打开',
  'history.step': '{at} {actor}（{role}）{action}',
  'history.none': '尚未处置',
  'value.none': '无',
  'value.unknown': '未知',
  'value.never': '从未',
  'value.unattributed': '无法归属',
  'footer.made':
    '本报告由 vigil report 根据采集端存储生成，包含人员和文件信息，' +
    '仅可提供给有权查看的人员。',
};

/** Every language's catalogue; each has exactly the keys of `en`. */
export const MESSAGES: Record<ReportLang, Record<MessageKey, string>> = {
  en,
  'zh-CN': zhCN,
};

/** Looks up and fills messages of one language. */
export interface Translator {
  lang: ReportLang;
  (key: MessageKey, params?: Record<string, string | number>): string;
  /** A message whose key is built from data (a severity, a status …); the
   *  value itself when the catalogue has no such key. */
  value(prefix: string, value: string): string;
}

export function translator(lang: ReportLang): Translator {
  const catalogue = MESSAGES[lang];
  const t = (key: MessageKey, params: Record<string, string | number> = {}) =>
    fill(catalogue[key], params);
  return Object.assign(t, {
    lang,
    value(prefix: string, value: string): string {
      const key = `${prefix}.${value}`;
      return Object.hasOwn(catalogue, key)
        ? catalogue[key as MessageKey]
        : value;
    },
  });
}

// A placeholder the message does not use is ignored; one without a value
// stays visible, so a missing parameter shows instead of vanishing.
function fill(template: string, params: Record<string, string | number>) {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}
