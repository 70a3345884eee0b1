/**
 * Word classes for the intent features: words and phrases that play the same part in a sales
 * call ("price", "cost", "quote", "报价", "费用") map to one class, and a turn becomes a short
 * skeleton of classes and negations ("price isn't really the issue" -> PRICE NEG ISSUE). Features
 * over the skeleton let the model carry what it learned from one phrasing to phrasings it has
 * never seen, and English and Chinese share the class names.
 * Changing a list changes the feature ids: bump `FEATURE_VERSION` in `features.ts` and retrain.
 */
import { isCjk } from '../text/lang';

/** The class skeleton's marker for a negation word. */
export const NEGATION_CLASS = 'NEG';

/** English words and phrases (space-separated words) to their class. */
const EN_CLASS: Map<string, string> = new Map();
/** Longest English phrase in words. */
let enMaxPhrase = 1;
/** Chinese words to their class, longest first. */
const ZH_CLASS_WORDS: Array<[string, string]> = [];

/** Adds comma-separated English words or phrases to a class. */
function en(cls: string, entries: string): void {
  for (const raw of entries.split(',')) {
    const entry = raw.trim().replace(/\s+/g, ' ');
    if (!entry) continue;
    EN_CLASS.set(entry, cls);
    enMaxPhrase = Math.max(enMaxPhrase, entry.split(' ').length);
  }
}

/** Adds space-separated Chinese words to a class. */
function zh(cls: string, entries: string): void {
  for (const word of entries.split(/\s+/)) if (word) ZH_CLASS_WORDS.push([word, cls]);
}

// --- money and price ---------------------------------------------------------------------
en(
  'PRICE',
  'price, prices, pricing, priced, prize, cost, costs, costing, fee, fees, quote, quoted, quotes, ' +
    'rate, rates, charge, charges, charging, price tag, dollars, bucks, grand, money, number, ' +
    'numbers, figure, total, bill, invoice, subscription, licence, license, per seat, per user, ' +
    'monthly, annual, renewal, list price, sticker, ticket, spend, outlay, tco, dollar, euros, k',
);
en(
  'EXPENSIVE',
  'expensive, pricey, steep, overpriced, rich, overpaying, crazy, insane, ridiculous, ' +
    'a lot of money, too much, costly, premium, out of reach, sticker shock, ouch, hefty, ' +
    'astronomical, high end, through the roof, arm and a leg, painful',
);
en(
  'CHEAP',
  'cheap, cheaper, cheapest, discount, discounts, bargain, less, lower, undercut, savings',
);
en(
  'AFFORD',
  'afford, justify, swallow, stretch, absorb, make sense, worth, value, roi, payback, ' +
    'sell internally, sign off on that number',
);
en('PAY', 'pay, paying, paid, pays, invest, investment, spending, spent, shell out, fork out');
en(
  'BUDGET',
  'budget, budgets, budgit, budgeted, funding, funds, fund, funded, grant, grants, capex, opex, ' +
    'capital, allocation, allocated, purse strings, spend line, line item, fiscal, money pot, ' +
    'wallet, cash, cash flow',
);
en(
  'SETASIDE',
  'set aside, earmarked, planned for, planned, expected, expecting, had in mind, hoping, ' +
    'were thinking, ballpark, range, set out, penciled in',
);
en(
  'TOO',
  'too, over, above, beyond, more than, higher, exceeds, double, twice, outside, way more, ' +
    'more, out of',
);

// --- budget freeze -----------------------------------------------------------------------
en(
  'FREEZE',
  'freeze, frozen, froze, frozed, on hold, hold, halted, halt, paused, pause, locked, lockdown, ' +
    'moratorium, on ice, cut, cuts, slashed, pulled, suspended, stopped, zeroed, yanked, ' +
    'cancelled, canceled, shut, closed, used up, spent, gone, dried up, tapped out, no money, ' +
    'no budget, clamped down, tightened, austerity, cost cutting, hiring freeze',
);
en(
  'FISCAL',
  'fiscal year, new year, next year, next quarter, quarter, q1, q2, q3, q4, budget cycle, ' +
    'financial year, january, april, july, october, new budget',
);

// --- who decides -------------------------------------------------------------------------
en(
  'BOSS',
  'boss, manager, director, cfo, ceo, coo, cio, cto, vp, president, board, committee, ' +
    'procurement, purchasing, finance, head, chief, owner, partner, partners, principal, ' +
    'supervisor, leadership, management, council, trustees, superintendent, dean, wife, ' +
    'husband, spouse, legal, it, higher ups, upstairs, corporate, headquarters, hq, ' +
    'stakeholders, team lead, department head, exec, execs, executive, executives, my team, ' +
    'the team, administrator, controller, treasurer',
);
en(
  'DECIDE',
  'decide, decides, decided, decision, decisions, call, approve, approves, approved, approval, ' +
    'sign, signs, sign off, signoff, signs off, say, say so, authority, blessing, green light, ' +
    'okay, okays, okayed, final word, veto, buy in, sign-off, rubber stamp, go ahead',
);
en(
  'CHECK',
  'check, check with, run it by, run past, run it past, consult, discuss, loop in, involve, ' +
    'ask, talk to, bring, present, pitch it, take it to, get back, clear it, align with, ' +
    'run this by, bounce it off, get input, review it with',
);

// --- stalling ----------------------------------------------------------------------------
en(
  'THINK',
  'think, thinking, mull, digest, sleep on, reflect, chew, consider, ponder, sit on, process, ' +
    'think it over, mull it over, weigh, evaluate internally, regroup, talk it over',
);
en(
  'LATER',
  'later, revisit, circle back, wait, reconnect, touch base, eventually, someday, months, ' +
    'weeks, down the road, back burner, park, shelve, no rush, not in a hurry, not ready, yet, ' +
    'priority, timing, not now, next month, some point, in a while, hold off, put off, ' +
    'push back, postpone, follow up, keep in touch, get back to you, be in touch, one day',
);
en(
  'BUSY',
  'busy, hectic, swamped, slammed, crazy busy, plate, bandwidth, capacity, stretched, ' +
    'chaotic, overwhelmed, flat out, buried, a lot going on',
);
en('SEND', 'send, sending, email, mail, forward, share, drop, shoot, attach, deck, brochure, info');
en('LOOK', 'look, looking, review, read, go through, glance, take a look, browse, see');

// --- evidence ----------------------------------------------------------------------------
en(
  'EVIDENCE',
  'proof, prove, proven, evidence, data, study, studies, case study, case studies, reference, ' +
    'references, results, research, benchmark, benchmarks, report, reports, reviews, ' +
    'testimonial, testimonials, validated, verified, tested, stats, statistics, outcomes, ' +
    'track record, white paper, whitepaper, trial results, pilot results, numbers back, ' +
    'documentation, certification, certified, audit, peer reviewed, clinical, metrics, figures',
);
en(
  'PROVE',
  'prove, show me, show us, back up, back that up, demonstrate, convince, substantiate, ' +
    'verify, take your word, believe, skeptical, sceptical, doubt, claim, claims, ' +
    'where does, source',
);
en(
  'PEERS',
  'who else, other customers, other hospitals, other clinics, other schools, others, ' +
    'similar, someone like us, companies like ours, peers, customers, clients, users',
);

// --- competitors -------------------------------------------------------------------------
en(
  'VENDOR',
  'vendor, vendors, competitor, competitors, competition, supplier, suppliers, provider, ' +
    'providers, carrier, carriers, alternative, alternatives, elsewhere, brand, brands, ' +
    'incumbent, other guys, another company, other company, someone else, other options, ' +
    'another option, other vendor, another vendor, the other one',
);
en(
  'USING',
  'using, use, uses, already, currently, contract, switch, switching, leaning, comparing, ' +
    'compare, shortlist, evaluating, talking to, looking at, shopping around, quotes from, ' +
    'bid, bids, proposal from, stick with, stay with, go with, renew, went with, demo with',
);

// --- next steps --------------------------------------------------------------------------
en(
  'MEET',
  'demo, call, meeting, meet, invite, invitation, calendar, schedule, book, pilot, trial, ' +
    'kickoff, kick off, onboarding, walkthrough, visit, session, workshop, presentation, ' +
    'follow up call, slot, zoom, teams, sync, catch up, site visit',
);
en(
  'DAY',
  'monday, tuesday, wednesday, thursday, friday, saturday, sunday, tomorrow, week, ' +
    'afternoon, morning, noon, pm, am, o clock, tonight, today, eod, end of day, next week, ' +
    'the 14th, this week',
);
en(
  'COMMIT',
  'order, po, purchase order, contract, paperwork, proceed, go ahead, signed, countersign, ' +
    'deal, lock it in, move forward, let us do it, sounds good, works, works for me, ' +
    "that works, perfect, book it, count me in, i will be there, i'll be there, let's do it, " +
    'requisition, agreement',
);
en(
  'PROPOSE',
  'how about, what about, shall we, should we, would you, could we, can we, let us, let me, ' +
    "let's, why don't we, why dont we, i'll set up, i'd like to set up, we could set up, " +
    ' happy to, i can set up, i will set up, set up, arrange, propose, suggest, ' +
    'does that work, would that work, are you free, free on, available',
);

// --- comparisons, issues, questions ------------------------------------------------------
en(
  'ISSUE',
  'issue, problem, concern, sticking point, blocker, dealbreaker, deal breaker, worry, ' +
    'worried, hard, tough, holding us back, obstacle, challenge, hurdle, catch, downside',
);
en(
  'BETTER',
  'better, faster, longer, stronger, easier, bigger, more reliable, superior, outperform, ' +
    'beat, beats, ahead, best, lighter, simpler, safer, cheaper than, worse, slower, weaker',
);
en('OURS', 'unlike, compared to, compared with, versus, vs, whereas, than, while they, where they');
en('QUESTION', 'what, how, which, when, where, why, who, include, includes, included, including');
en(
  'YES',
  'yes, yeah, yep, yup, exactly, right, sure, correct, absolutely, definitely, of course, ' +
    "totally, indeed, that is it, that's it, you got it, pretty much, spot on, bingo, that's right",
);
en(
  'OK',
  'fine, okay with, reasonable, fair, good, great, expected, no problem, not a problem, doable, ' +
    'manageable, competitive, works for us, in line, comfortable, happy with, not bad, covered, ' +
    'sorted, approved already, in place, sign off already',
);
en(
  'BAD',
  'bad, terrible, awful, poor, slow, buggy, unreliable, broken, clunky, outdated, frustrating, ' +
    'complaints, complaining, headache, nightmare, struggle, struggling',
);
en('ONLY', 'only, just, main, biggest, one of the, whole');
en(
  'ME',
  "i, me, myself, my own, my call, up to me, on my own, i decide, i can decide, it's my call",
);

// --- Chinese -----------------------------------------------------------------------------
zh(
  'PRICE',
  '价格 价钱 价位 报价 费用 钱 价 成本 收费 定价 总价 年费 月费 数字 这个数 金额 开销 花费 单价 ' +
    '服务费 授权费 订阅费 多少钱 标价 售价 报的价',
);
zh(
  'EXPENSIVE',
  '贵 太高 偏高 虚高 离谱 吓人 吃不消 扛不住 受不了 肉疼 下不去手 不值 高了 超标 天价 有点狠 心疼',
);
zh('CHEAP', '便宜 优惠 折扣 打折 降价 划算 性价比 让利 低价 砍价 让一点 少一点 低一些 省钱');
zh('AFFORD', '承受 负担 出不起 花不起 用得起 拿不出 值不值 值得 说服 交代 回本 投入产出 ROI 回报');
zh('PAY', '花 付 支付 投入 出钱 掏 买单 采购');
zh('BUDGET', '预算 经费 资金 拨款 开支 支出 专项 额度 资金池 钱包 现金流 财年 预酸');
zh('SETASIDE', '预留 准备 计划 预期 心理价位 想的 估计 打算 原本');
zh('TOO', '超出 超过 超 高出 多出 太 一大截 不止 翻倍 多了');
zh(
  'FREEZE',
  '冻结 冻 暂停 叫停 停 卡 锁 砍 削减 收回 取消 清零 关 暂缓 停批 不批 花完 用完 没钱 紧缩 ' +
    '降本 勒紧 收紧 冻住 卡死 批不下来 没下来 还没批',
);
zh('FISCAL', '新财年 明年 下个季度 季度 第三季度 年底 年初 下半年 上半年 预算周期 财年');
zh(
  'BOSS',
  '领导 老板 主任 院长 总监 经理 董事会 上级 上面 委员会 校长 局长 老公 老婆 爱人 家里人 合伙人 ' +
    '采购部 采购 财务 主管 科长 处长 总经理 老总 总部 集团 法务 IT部 信息科 上会 班子 一把手 老大',
);
zh('DECIDE', '拍板 决定 做主 说了算 签字 审批 批准 同意 点头 定 批 签 把关 决策 过会 同意了 首肯');
zh('CHECK', '商量 请示 汇报 沟通 问问 报给 上报 过一下 碰一下 讨论 研究一下 请教 报批 走流程 流程');
zh('THINK', '考虑 想想 研究 琢磨 消化 合计 斟酌 想一想 掂量 权衡 再看看 看看再说');
zh(
  'LATER',
  '以后 再说 回头 过段时间 下次 放一放 缓一缓 搁 不急 观望 时机 优先级 改天 过两周 等等 ' +
    '往后推 先不 暂时不 下个月 有空 回头联系 再联系 保持联系 慢慢来',
);
zh('BUSY', '忙 太忙 忙不过来 顾不上 没空 没时间 事情多 手头 精力 腾不出');
zh('SEND', '发 发给 发过来 发一份 邮件 传 资料 材料 手册 方案 PPT');
zh('LOOK', '看 看看 看一下 过目 翻翻 浏览 细看 研读');
zh(
  'EVIDENCE',
  '案例 数据 证据 证明 报告 研究 依据 参考客户 评测 验证 效果 评价 反馈 对比 成功案例 ' +
    '临床 论文 实测 检测报告 认证 资质 口碑 样板 标杆 客户名单 试点结果 统计',
);
zh('PROVE', '证明 拿出来 说服 凭什么 口说无凭 空口 眼见为实 怎么证明 真的吗 靠谱吗 有依据 支撑');
zh('PEERS', '谁在用 哪些医院 哪些客户 其他医院 其他客户 同行 别的医院 别的学校 用户 客户');
zh(
  'VENDOR',
  '别家 厂家 供应商 竞争对手 竞品 其他 别的 同行 品牌 另一家 另外一家 友商 对手 他们家 那家 ' +
    '人家 外面 其他家',
);
zh('USING', '在用 用的 合同 换 比较 对比 考虑 接触 谈 在看 在谈 报价 投标 比价 续约 续签');
zh(
  'MEET',
  '演示 会议 开会 邀请 试点 试用 启动会 培训 安装 见面 参观 日程 拜访 面谈 线上会 腾讯会议 ' +
    '约 交流 demo',
);
zh('DAY', '周一 周二 周三 周四 周五 周六 周日 星期 明天 后天 下周 上午 下午 点 今天 晚上 号');
zh('COMMIT', '签合同 下单 合同 订单 采购单 就这么定 就这样 启动 可以 行 好的 定了 安排 走合同');
zh('PROPOSE', '要不 不如 咱们 我们约 您看 怎么样 方便吗 可以吗 行吗 我来安排 给您安排 建议 我帮您');
zh('ISSUE', '问题 顾虑 障碍 麻烦 难点 卡点 门槛 担心');
zh('BETTER', '更好 更快 更长 更稳 更强 更省 更便宜 更大 领先 胜过 优于 强于 比不上 不如 差 弱');
zh('OURS', '相比 比起 不像 而他们 他们只 跟他们比 比他们 比');
zh('QUESTION', '什么 哪些 怎么 多少 如何 包括 包含 哪');
zh('YES', '对 是的 没错 嗯 可不是 就是 确实 对对 是啊');
zh(
  'OK',
  '没问题 还行 合理 可以接受 能接受 公道 不贵 挺好 满意 够用 划得来 在预期 预期之内 批了 已经批 到位',
);
zh('BAD', '不好用 太差 难用 卡顿 老出问题 故障 投诉 头疼 麻烦 吐槽 过时 落后');
zh('ONLY', '不只 不光 不仅 不止 不单 主要 最大');
zh('ME', '我自己 我说了算 我能定 我做主 我就能');

ZH_CLASS_WORDS.sort((a, b) => b[0].length - a[0].length);

const ZH_NEGATIONS = ['不', '没', '别', '无', '未', '非'];
/** Words that start with a negation character but do not negate. */
const ZH_NOT_NEGATION = [
  '不错',
  '不好意思',
  '不过',
  '不管',
  '不少',
  '不久',
  '没关系',
  '没事',
  '无论',
  '非常',
  '别家',
  '别的',
  '别人',
  '不如',
];

/** Light English stemming for words not in the lists: plurals, -ed, -ing. */
function enStems(word: string): string[] {
  const out: string[] = [];
  if (word.length < 4) return out;
  if (word.endsWith("'s")) out.push(word.slice(0, -2));
  if (word.endsWith('ies')) out.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('es')) out.push(word.slice(0, -2));
  if (word.endsWith('s')) out.push(word.slice(0, -1));
  if (word.endsWith('ed')) out.push(word.slice(0, -2), word.slice(0, -1));
  if (word.endsWith('ing')) out.push(word.slice(0, -3), `${word.slice(0, -3)}e`);
  return out;
}

function enLookup(words: string[], at: number): { cls: string; length: number } | null {
  for (let n = Math.min(enMaxPhrase, words.length - at); n >= 1; n--) {
    const phrase = words.slice(at, at + n).join(' ');
    const cls = EN_CLASS.get(phrase);
    if (cls) return { cls, length: n };
  }
  for (const stem of enStems(words[at])) {
    const cls = EN_CLASS.get(stem);
    if (cls) return { cls, length: 1 };
  }
  return null;
}

/**
 * The class skeleton of a turn's units: one class name per word, phrase or Chinese word in the
 * lists, `NEG` for a negation, nothing for other words. `isNegator` decides for English words.
 */
export function classSkeleton(units: string[], isNegator: (word: string) => boolean): string[] {
  const out: string[] = [];
  let run = '';
  const flushRun = () => {
    let i = 0;
    while (i < run.length) {
      const rest = run.slice(i);
      const skip = ZH_NOT_NEGATION.find(
        (w) => rest.startsWith(w) && !ZH_CLASS_WORDS.some(([z]) => z === w),
      );
      if (skip) {
        i += skip.length;
        continue;
      }
      const hit = ZH_CLASS_WORDS.find(([word]) => rest.startsWith(word));
      if (hit) {
        out.push(hit[1]);
        i += hit[0].length;
        continue;
      }
      if (ZH_NEGATIONS.includes(run[i])) out.push(NEGATION_CLASS);
      i++;
    }
    run = '';
  };
  // English words are looked up as phrases across the run of non-CJK units.
  const words: string[] = [];
  const flushWords = () => {
    let i = 0;
    while (i < words.length) {
      const word = words[i];
      if (isNegator(word)) {
        out.push(NEGATION_CLASS);
        i++;
        continue;
      }
      if (/^\$|^\d/.test(word)) {
        out.push(word.endsWith('%') ? 'PERCENT' : 'AMOUNT');
        i++;
        continue;
      }
      const hit = enLookup(words, i);
      if (hit) {
        out.push(hit.cls);
        i += hit.length;
      } else i++;
    }
    words.length = 0;
  };
  for (const unit of units) {
    if (isCjk(unit)) {
      flushWords();
      run += unit;
      continue;
    }
    flushRun();
    words.push(unit);
  }
  flushRun();
  flushWords();
  // Collapse repeats ("price cost" -> PRICE) so the skeleton reads as a sequence of roles.
  return out.filter((cls, i) => i === 0 || out[i - 1] !== cls);
}
