/**
 * Word classes for the intent features: synonyms that play the same part in a sales call
 * ("price", "cost", "quote", "报价", "费用") map to one class, and a turn becomes a short skeleton
 * of classes and negations ("price isn't really the issue" -> PRICE NEG ISSUE). Features over the
 * skeleton let the model carry what it learned from one phrasing to phrasings it has never seen.
 * Changing a list changes the feature ids: bump `FEATURE_VERSION` in `features.ts` and retrain.
 */
import { isCjk } from '../text/lang';

/** The class skeleton's marker for a negation word. */
export const NEGATION_CLASS = 'NEG';

const EN_CLASS_WORDS: Record<string, string> = {};
const ZH_CLASS_WORDS: Array<[string, string]> = [];

function enClass(cls: string, words: string): void {
  for (const word of words.split(/\s+/)) if (word) EN_CLASS_WORDS[word] = cls;
}
function zhClass(cls: string, words: string): void {
  for (const word of words.split(/\s+/)) if (word) ZH_CLASS_WORDS.push([word, cls]);
}

enClass(
  'PRICE',
  'price prices pricing priced prize cost costs costly fee fees quote quoted quotes rate rates ' +
    'charge charges tag dollars bucks grand money number numbers figure total bill invoice',
);
enClass('EXPENSIVE', 'expensive pricey steep overpriced rich overpaying heavy crazy insane ridiculous');
enClass('CHEAP', 'cheap cheaper cheapest discount discounts lower less bargain deal');
enClass('AFFORD', 'afford justify swallow stretch swing absorb manage');
enClass('PAY', 'pay paying paid spend spending spent pays invest investment');
enClass('BUDGET', 'budget budgets budgit budgeted funding funds fund grant capex capital allocation allocated');
enClass('SETASIDE', 'set aside earmarked planned expected expecting thought hoping had mind');
enClass('TOO', 'too over above beyond more higher exceeds double twice outside');
enClass(
  'FREEZE',
  'freeze frozen froze frozed hold halted halt paused pause locked lock moratorium ice cut cuts ' +
    'slashed pulled suspended stopped zeroed yanked cancelled shut closed',
);
enClass(
  'BOSS',
  'boss manager director cfo ceo vp board committee procurement head chief owner partner ' +
    'principal supervisor leadership management council trustees superintendent dean wife husband',
);
enClass('DECIDE', 'decide decides decision call approve approves approval sign signs signoff say authority blessing');
enClass('CHECK', 'check run past consult discuss loop involve ask talk bring present');
enClass('THINK', 'think thinking mull digest sleep reflect chew consider ponder sit');
enClass(
  'LATER',
  'later revisit circle back wait regroup reconnect touch base eventually someday months weeks ' +
    'road burner park shelve rush hurry ready yet priority timing time',
);
enClass(
  'EVIDENCE',
  'proof prove evidence data study studies case reference references results research benchmark ' +
    'benchmarks report reviews testimonials validated verified tested numbers stats statistics outcomes',
);
enClass(
  'VENDOR',
  'vendor vendors competitor competitors supplier suppliers provider providers carrier alternative ' +
    'alternatives others elsewhere brand incumbent',
);
enClass('USING', 'using use uses already currently contract switch switching leaning comparing shortlist');
enClass('MEET', 'demo call meeting invite calendar schedule book pilot trial kickoff onboarding walkthrough visit');
enClass(
  'DAY',
  'monday tuesday wednesday thursday friday tomorrow week afternoon morning noon pm am o clock',
);
enClass('COMMIT', 'order po contract paperwork proceed ahead go signed countersign deal lock');
enClass('ISSUE', 'issue problem concern sticking blocker dealbreaker worry worried hard tough');
enClass('OURS', 'our ours we unlike compared versus whereas');
enClass('QUESTION', 'what how which does do is are can could would include includes included');
enClass('YES', 'yes yeah yep exactly right sure correct absolutely definitely');

zhClass('PRICE', '价格 价钱 价位 报价 费用 钱 价 成本 收费 定价 总价 年费 月费 数字 这个数 金额 开销 花费');
zhClass('EXPENSIVE', '贵 太高 偏高 虚高 离谱 吓人 吃不消 扛不住 受不了');
zhClass('CHEAP', '便宜 优惠 折扣 打折 降价 划算 性价比');
zhClass('AFFORD', '承受 负担 出不起 花不起 用得起 拿不出');
zhClass('PAY', '花 付 支付 投入 出钱');
zhClass('BUDGET', '预算 经费 资金 拨款 开支 支出 专项');
zhClass('SETASIDE', '预留 准备 计划 预期 心理价位 想的');
zhClass('TOO', '超出 超过 超 高出 多出 太 一大截');
zhClass('FREEZE', '冻结 冻 暂停 叫停 停 卡 锁 砍 削减 收回 取消 清零 关');
zhClass(
  'BOSS',
  '领导 老板 主任 院长 总监 经理 董事会 上级 上面 委员会 校长 局长 老公 家里人 合伙人 采购部 财务 主管 科长',
);
zhClass('DECIDE', '拍板 决定 做主 说了算 签字 审批 批准 同意 点头 定 批 签');
zhClass('CHECK', '商量 请示 汇报 沟通 问问 报给 上报 过一下 碰一下 讨论');
zhClass('THINK', '考虑 想想 研究 琢磨 消化 合计 斟酌 想一想');
zhClass('LATER', '以后 再说 回头 过段时间 下次 放一放 缓一缓 搁 不急 观望 时机 优先级 改天 过两周');
zhClass('EVIDENCE', '案例 数据 证据 证明 报告 研究 依据 参考客户 评测 验证 效果 评价 反馈 对比');
zhClass('VENDOR', '别家 厂家 供应商 竞争对手 其他 别的 同行 品牌 另一家 另外一家');
zhClass('USING', '在用 用的 合同 换 比较 对比 考虑 接触 谈');
zhClass('MEET', '演示 会议 开会 邀请 试点 试用 启动会 培训 安装 见面 参观 日程');
zhClass('DAY', '周一 周二 周三 周四 周五 明天 后天 下周 上午 下午 点');
zhClass('COMMIT', '签合同 下单 合同 订单 采购单 就这么定 就这样 启动');
zhClass('ISSUE', '问题 顾虑 障碍 麻烦');
zhClass('OURS', '我们的 我们 相比 比起 不像');
zhClass('QUESTION', '吗 什么 哪些 怎么 多少 如何 包括 包含');
zhClass('YES', '对 是的 没错 嗯 可不是');
ZH_CLASS_WORDS.sort((a, b) => b[0].length - a[0].length);

const ZH_NEGATIONS = ['不', '没', '别', '无', '未', '非'];
/** Words that start with a negation character but do not negate. */
const ZH_NOT_NEGATION = ['不错', '不好意思', '不过', '不管', '不少', '不久', '没关系', '没事', '无论', '非常', '别家', '别的', '别人'];

/**
 * The class skeleton of a turn's units: one class name per word or Chinese phrase in the lists,
 * `NEG` for a negation, nothing for other words. `isNegator` decides for English words.
 */
export function classSkeleton(units: string[], isNegator: (word: string) => boolean): string[] {
  const out: string[] = [];
  let run = '';
  const flushRun = () => {
    let i = 0;
    while (i < run.length) {
      const rest = run.slice(i);
      const skip = ZH_NOT_NEGATION.find((w) => rest.startsWith(w) && !ZH_CLASS_WORDS.some(([z]) => z === w));
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
  for (const unit of units) {
    if (isCjk(unit)) {
      run += unit;
      continue;
    }
    flushRun();
    if (isNegator(unit)) out.push(NEGATION_CLASS);
    else if (/^\$|^\d/.test(unit)) out.push('PRICE');
    else {
      const cls = EN_CLASS_WORDS[unit];
      if (cls) out.push(cls);
    }
  }
  flushRun();
  // Collapse repeats ("price cost" -> PRICE) so the skeleton reads as a sequence of roles.
  return out.filter((cls, i) => i === 0 || out[i - 1] !== cls);
}
