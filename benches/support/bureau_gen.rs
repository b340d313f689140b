//! Synthetic bureau generator: builds a realistic, deterministic case JSON document (spec `bureau-rules.md` §2, year 2022) of any size, for tests and benchmarks.
//!
//! The shape follows the source document: one 局领导班子 holding the 局领导
//! (about one leader per 60 staff, 2 to 40), then units of 4 to 12 people
//! (a few up to 15 where a remainder is folded in) of every 类型, most of them
//! 收入科室. Each unit's first member is its 科室负责人 and 负责人; its 分管领导 is
//! a 局领导 (absent for about 5%). The data carries the defects the rules look
//! for, at realistic rates: missing, late (including the exactly-on-the-3rd
//! edge, which is on time), blank and incomplete monthly summaries; revenue
//! shortfalls; units that score everyone alike; events of every type.
//!
//! Output is compact JSON with one record per line (so a 100,000-staff bureau
//! is about 70 MB). The same (staff, seed) always gives the same bytes: the
//! only source of variety is a SplitMix64 generator seeded from `seed`, and no
//! hash-map order is involved.

use std::fmt::Write as _;

/// The assessment year of every generated case.
pub const YEAR: i32 = 2022;

/// Generates a bureau with `staff` people (at least 3: two leaders and one
/// unit) as a case JSON document.
pub fn generate(staff: usize, seed: u64) -> String {
    Generator::new(staff, seed).run()
}

// ---------------------------------------------------------------------------
// Randomness: SplitMix64, small, fast and good enough for test data.

struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0); the tiny modulo bias does not matter here.
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Uniform in lo..=hi.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `per_mille` / 1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------
// Vocabulary.

/// Common surnames, two of them compound, separated by spaces.
const SURNAMES: &str = "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 \
                        韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 \
                        姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 方 白 邹 孟 熊 秦 邱 江 尹 薛 段 雷 \
                        侯 龙 史 陶 黎 贺 顾 毛 郝 欧阳 上官";
/// Characters of given names.
const GIVEN: &str = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红玲芬燕鹏辉斌宇浩凯健俊\
                     帆旭宁婷雪琳晨晶欣蕾倩颖佳怡丹露瑶慧琦海波建国志文博涵远新春秋冬梅松林峰亮成德\
                     荣昌利福贵祥";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Leadership,
    Revenue,
    Service,
    Office,
    Inspection,
    Audit,
    Other,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Leadership => "局领导班子",
            Kind::Revenue => "收入科室",
            Kind::Service => "税费服务科",
            Kind::Office => "办公室",
            Kind::Inspection => "监察考评科",
            Kind::Audit => "稽查局",
            Kind::Other => "其他",
        }
    }

    fn tasks(self) -> &'static [&'static str] {
        match self {
            Kind::Leadership => &["研究部署季度重点工作", "召开党组会议", "督办重点税源监控"],
            Kind::Revenue => &[
                "组织本月税收收入入库",
                "开展重点税源户巡查",
                "清理陈欠税款",
                "推进个体户定额调整",
                "开展房地产行业税收专项清理",
                "做好企业所得税汇算清缴",
                "加强建筑业项目登记管理",
            ],
            Kind::Service => &[
                "做好办税服务厅窗口服务",
                "组织办税服务车下乡征税",
                "受理减免税申请",
                "办理新办税务登记",
                "开展房地产交易评估",
                "答复纳税人网上及电话咨询",
            ],
            Kind::Office => &[
                "组织党支部学习",
                "开展税收宣传月活动",
                "做好信访维稳工作",
                "安排干部业务学习",
                "推进城乡统筹互联共建",
            ],
            Kind::Inspection => &[
                "开展机关作风督办督查",
                "落实党风廉政建设责任制",
                "编发效能督察通报",
                "组织明察暗访",
            ],
            Kind::Audit => &[
                "开展日常稽查",
                "组织餐饮业专项稽查",
                "办理举报专案",
                "追缴查补税款入库",
            ],
            Kind::Other => &[
                "完成上级交办事项",
                "整理归档税收资料",
                "做好信息系统运行维护",
            ],
        }
    }

    /// The 数据 items the source document asks of this 类型 (四㈡), with the
    /// shape of a realistic value.
    fn items(self) -> &'static [(&'static str, Item)] {
        match self {
            Kind::Service => &[
                ("重点税收分户完成", Item::Count),
                ("减免税户数", Item::Count),
                ("新办税务登记户数", Item::Count),
                ("房地产评估纳税户数", Item::Count),
                ("房地产评估税款", Item::Money),
                ("办税服务车下乡", Item::Text("下乡{n}次,征收税款{m}元")),
                ("咨询答复", Item::Text("答复网上及电话咨询{n}件")),
            ],
            Kind::Office => &[
                ("党组织建设", Item::Text("召开支部会议{n}次")),
                ("税收宣传", Item::Text("发放宣传资料{n}份")),
                ("业务学习", Item::Text("组织集中学习{n}次")),
                ("信访维稳", Item::Text("受理信访{n}件,办结率100%")),
                ("城乡统筹互联共建", Item::Text("走访共建村{n}次")),
            ],
            Kind::Inspection => &[
                ("机关作风督办督查", Item::Text("督查{n}次,通报问题{n}个")),
                ("党风廉政建设", Item::Text("开展廉政谈话{n}人次")),
            ],
            Kind::Audit => &[
                ("日常稽查", Item::Text("检查{n}户")),
                ("专项稽查", Item::Text("专项检查{n}户")),
                ("专案稽查", Item::Text("办结专案{n}件")),
                ("查补税款", Item::Money),
            ],
            _ => &[],
        }
    }
}

const REVENUE_ITEMS: &[(&str, Item)] = &[
    ("收入计划", Item::Money),
    ("收入完成", Item::Money),
    ("组织收入措施", Item::Text("召开收入分析会{n}次")),
    ("税源管理", Item::Text("监控重点税源户{n}户")),
    ("户籍巡查", Item::Text("巡查{n}户,补办登记{n}户")),
];

#[derive(Clone, Copy)]
enum Item {
    Money,
    Count,
    /// A phrase whose `{n}` become small counts and `{m}` an amount.
    Text(&'static str),
}

const PROGRESS: &[&str] = &[
    "已按计划完成",
    "完成进度符合要求",
    "正在推进,预计下月完成",
    "基本完成",
    "超额完成",
];
const PROBLEMS: &[&str] = &[
    "个别纳税户申报不及时",
    "部分税源户经营下滑",
    "人员紧张,外勤任务重",
    "基础资料有待完善",
    "无",
];
const PLANS: &[&str] = &[
    "继续加强税源监控",
    "加大欠税清理力度",
    "做好下季度收入预测",
    "强化干部业务培训",
    "抓好整改落实",
];
const OTHER_UNIT_NAMES: &[&str] = &[
    "法规科",
    "人事教育科",
    "计划财务科",
    "信息中心",
    "纳税评估科",
    "征管科",
];
const EVENT_NOTES: &[&str] = &[
    "市政府督查通报",
    "上级部门考核中扣分",
    "市效能办明察暗访发现工作日迟到",
    "群众举报办税窗口服务态度差",
    "执法过错责任追究",
    "违反廉洁纪律",
];
const BLANKS: &[&str] = &["", "　", "  ", " \n\t", "　　"];

/// One unit as generated; indexes are into `Generator::people`.
struct Unit {
    id: String,
    name: String,
    kind: Kind,
    head: usize,
    leader: Option<usize>,
    /// 收入任务 in fen, and 收入完成 per quarter in fen.
    revenue: Option<(i64, [i64; 4])>,
    first: usize,
    len: usize,
}

struct Person {
    id: String,
    name: String,
    rank: &'static str,
}

struct Generator {
    rng: Rng,
    surnames: Vec<&'static str>,
    given: Vec<char>,
    staff: usize,
    units: Vec<Unit>,
    people: Vec<Person>,
    out: String,
}

impl Generator {
    fn new(staff: usize, seed: u64) -> Self {
        Generator {
            // Mix the seed so that seeds 0, 1, 2 … start far apart.
            rng: Rng(seed ^ 0x6B61_6F68_655F_6765),
            surnames: SURNAMES.split_whitespace().collect(),
            given: GIVEN.chars().collect(),
            staff: staff.max(3),
            units: Vec::new(),
            people: Vec::new(),
            // About 700 bytes a person in a full bureau.
            out: String::with_capacity(staff * 720 + 4096),
        }
    }

    fn run(mut self) -> String {
        self.lay_out_units();
        self.write_case();
        self.out
    }

    fn person_name(&mut self) -> String {
        let mut name = String::from(*self.rng.pick(&self.surnames));
        name.push(*self.rng.pick(&self.given));
        if self.rng.chance(700) {
            name.push(*self.rng.pick(&self.given));
        }
        name
    }

    /// Decides the units, their people, heads, leaders and revenue.
    fn lay_out_units(&mut self) {
        let staff = self.staff;
        let leaders = (staff / 60).clamp(2, 40).min(staff - 1);
        let remaining = staff - leaders;

        // Unit sizes: 4..=12, the first six small enough that a bureau of 40
        // has room for one unit of every 类型.
        let mut sizes: Vec<usize> = Vec::new();
        let mut left = remaining;
        while left > 0 {
            let max = if sizes.len() < 6 {
                (remaining / 6).clamp(4, 12)
            } else {
                12
            };
            if left <= max {
                match sizes.last_mut() {
                    Some(last) if left < 4 => *last += left,
                    _ => sizes.push(left),
                }
                break;
            }
            let size = self.rng.range(4, max as i64) as usize;
            sizes.push(size);
            left -= size;
        }

        let width_u = digits(sizes.len() + 1).max(4);
        let width_s = digits(staff).max(4);
        let mut counters = [0usize; 7];
        let mut add_unit = |g: &mut Generator, kind: Kind, len: usize| {
            let u = g.units.len();
            let k = &mut counters[kind as usize];
            *k += 1;
            let name = unit_name(kind, *k, &mut g.rng);
            let first = g.people.len();
            for j in 0..len {
                let rank = if kind == Kind::Leadership {
                    "局领导"
                } else if j == 0 || (j == 1 && len >= 8 && g.rng.chance(300)) {
                    "科室负责人"
                } else {
                    "一般干部"
                };
                let id = format!("S{:0width$}", first + j + 1, width = width_s);
                let name = g.person_name();
                g.people.push(Person { id, name, rank });
            }
            g.units.push(Unit {
                id: format!("U{:0width$}", u + 1, width = width_u),
                name,
                kind,
                head: first,
                leader: None,
                revenue: None,
                first,
                len,
            });
        };

        add_unit(self, Kind::Leadership, leaders);
        const FIRST_KINDS: [Kind; 6] = [
            Kind::Revenue,
            Kind::Service,
            Kind::Office,
            Kind::Inspection,
            Kind::Audit,
            Kind::Other,
        ];
        for (i, &len) in sizes.iter().enumerate() {
            let kind = if i < FIRST_KINDS.len() {
                FIRST_KINDS[i]
            } else {
                match self.rng.below(100) {
                    0..=61 => Kind::Revenue,
                    62..=73 => Kind::Service,
                    74..=80 => Kind::Office,
                    81..=85 => Kind::Inspection,
                    86..=94 => Kind::Audit,
                    _ => Kind::Other,
                }
            };
            add_unit(self, kind, len);
        }

        for u in 1..self.units.len() {
            let kind = self.units[u].kind;
            if !self.rng.chance(50) {
                self.units[u].leader = Some(self.rng.below(leaders as u64) as usize);
            }
            let has_task = match kind {
                Kind::Revenue | Kind::Audit => self.rng.chance(970),
                _ => self.rng.chance(80),
            };
            if has_task {
                self.units[u].revenue = Some(self.revenue_figures(kind));
            }
        }
    }

    /// A 收入任务 and its four 收入完成, in fen.
    fn revenue_figures(&mut self, kind: Kind) -> (i64, [i64; 4]) {
        let rng = &mut self.rng;
        let task: i64 = if rng.chance(10) {
            // Rare: no real target this year.
            *rng.pick(&[0, -5_000_000])
        } else {
            let yuan = match kind {
                Kind::Revenue => rng.range(2_000, 30_000) * 10_000,
                _ => rng.range(100, 5_000) * 10_000,
            };
            let fen = if rng.chance(200) { rng.range(0, 99) } else { 0 };
            yuan * 100 + fen
        };
        let base = task.max(1_000_000_000) / 4;
        // About one unit in three falls short, by up to 30%.
        let short = rng.chance(330);
        let mut done = [0i64; 4];
        for d in &mut done {
            let basis_points = if short {
                rng.range(7_000, 10_050)
            } else {
                rng.range(9_900, 11_500)
            };
            let fen = base / 10_000 * basis_points;
            *d = if rng.chance(500) {
                fen / 100 * 100
            } else {
                fen + rng.range(0, 99)
            };
        }
        (task, done)
    }

    fn write_case(&mut self) {
        let grade = *self
            .rng
            .pick(&["最佳服务单位", "优秀", "良好", "一般", "较差"]);
        let tax = 1_494_000_000_i64 * 100 / 10_000 * self.rng.range(8_800, 11_500)
            + self.rng.range(0, 99);
        let budget = 1_416_000_000_i64 * 100 / 10_000 * self.rng.range(8_800, 11_500);
        let mut out = std::mem::take(&mut self.out);
        let _ = write!(
            out,
            "{{\"年度\":{YEAR},\n\"局\":{{\"名称\":\"某市地方税务局\",\"年度等次\":\"{grade}\",\"税收收入\":\"{}\",\"一般预算收入\":\"{}\"}},\n",
            fen_text(tax, false),
            fen_text(budget, false),
        );
        self.write_units(&mut out);
        self.write_people(&mut out);
        self.write_summaries(&mut out);
        self.write_events(&mut out);
        out.push_str("}\n");
        self.out = out;
    }

    fn write_units(&mut self, out: &mut String) {
        out.push_str("\"单位\":[\n");
        for (u, unit) in self.units.iter().enumerate() {
            if u > 0 {
                out.push_str(",\n");
            }
            let _ = write!(
                out,
                "{{\"编号\":\"{}\",\"名称\":\"{}\",\"类型\":\"{}\",\"负责人\":\"{}\"",
                unit.id,
                unit.name,
                unit.kind.name(),
                self.people[unit.head].id
            );
            if let Some(l) = unit.leader {
                let _ = write!(out, ",\"分管领导\":\"{}\"", self.people[l].id);
            }
            if let Some((task, done)) = unit.revenue {
                let whole = self.rng.chance(700);
                let _ = write!(
                    out,
                    ",\"收入任务\":\"{}\",\"收入完成\":{{",
                    fen_text(task, whole)
                );
                for (q, d) in done.iter().enumerate() {
                    let sep = if q > 0 { "," } else { "" };
                    let _ = write!(out, "{sep}\"{}\":\"{}\"", q + 1, fen_text(*d, false));
                }
                out.push('}');
            }
            out.push('}');
        }
        out.push_str("\n],\n");
    }

    fn write_people(&mut self, out: &mut String) {
        out.push_str("\"干部\":[\n");
        let mut first = true;
        for u in 0..self.units.len() {
            let (start, len) = (self.units[u].first, self.units[u].len);
            // Some units score everyone alike in a quarter (四㈢ 平均发放).
            let alike: [Option<i64>; 4] = std::array::from_fn(|_| {
                if len >= 3 && self.rng.chance(30) {
                    Some(*self.rng.pick(&[8_500, 9_000, 9_500, 10_000]))
                } else {
                    None
                }
            });
            for i in start..start + len {
                if !first {
                    out.push_str(",\n");
                }
                first = false;
                let p = &self.people[i];
                let _ = write!(
                    out,
                    "{{\"编号\":\"{}\",\"姓名\":\"{}\",\"单位\":\"{}\",\"职务\":\"{}\",\"自评分\":{{",
                    p.id, p.name, self.units[u].id, p.rank
                );
                for (q, alike) in alike.iter().enumerate() {
                    let hundredths = match alike {
                        Some(s) => *s,
                        None => self_score(&mut self.rng),
                    };
                    let sep = if q > 0 { "," } else { "" };
                    let text = hundredths_text(hundredths);
                    if self.rng.chance(100) {
                        let _ = write!(out, "{sep}\"{}\":\"{text}\"", q + 1);
                    } else {
                        let _ = write!(out, "{sep}\"{}\":{text}", q + 1);
                    }
                }
                out.push_str("}}");
            }
        }
        out.push_str("\n],\n");
    }

    fn write_summaries(&mut self, out: &mut String) {
        out.push_str("\"月度小结\":[\n");
        let mut first = true;
        for u in 0..self.units.len() {
            let kind = self.units[u].kind;
            for m in 1..=12u32 {
                let due = if kind == Kind::Leadership {
                    // The 局领导班子 owes none; it files a few all the same.
                    self.rng.chance(200)
                } else {
                    !self.rng.chance(50)
                };
                if !due {
                    continue;
                }
                if !first {
                    out.push_str(",\n");
                }
                first = false;
                self.write_summary(out, u, m);
            }
        }
        out.push_str("\n],\n");
    }

    fn write_summary(&mut self, out: &mut String, u: usize, m: u32) {
        let unit = &self.units[u];
        let (kind, head, first, len) = (unit.kind, unit.head, unit.first, unit.len);
        let _ = write!(out, "{{\"单位\":\"{}\",\"月份\":\"{YEAR}-{m:02}\"", unit.id);

        // 报送日期: on time (day 1..3 of the next month, or the last days of
        // the month itself), late (day 4 onward), or missing.
        let (ny, nm) = if m == 12 {
            (YEAR + 1, 1)
        } else {
            (YEAR, m + 1)
        };
        let roll = self.rng.below(1000);
        match roll {
            0..=9 => {}
            10..=19 => out.push_str(",\"报送日期\":null"),
            20..=44 => {
                let day = *self.rng.pick(&[4, 4, 5, 6, 8, 10, 15]);
                let _ = write!(out, ",\"报送日期\":\"{ny}-{nm:02}-{day:02}\"");
            }
            45..=69 => {
                let day = self.rng.range(11, 28);
                let _ = write!(out, ",\"报送日期\":\"{ny}-{nm:02}-{day:02}\"");
            }
            70..=299 => {
                // Exactly on the deadline: not late.
                let _ = write!(out, ",\"报送日期\":\"{ny}-{nm:02}-03\"");
            }
            300..=399 => {
                let day = self.rng.range(26, 28);
                let _ = write!(out, ",\"报送日期\":\"{YEAR}-{m:02}-{day:02}\"");
            }
            _ => {
                let day = self.rng.range(1, 2);
                let _ = write!(out, ",\"报送日期\":\"{ny}-{nm:02}-{day:02}\"");
            }
        }

        // 报送人: usually a member other than the head, sometimes the head,
        // sometimes nobody, now and then someone from another unit.
        let roll = self.rng.below(1000);
        let reporter = match roll {
            0..=49 => None,
            50..=69 => {
                out.push_str(",\"报送人\":null");
                None
            }
            70..=119 => Some(self.rng.below(self.people.len() as u64) as usize),
            120..=199 => Some(head),
            _ if len > 1 => Some(first + 1 + self.rng.below(len as u64 - 1) as usize),
            _ => Some(head),
        };
        if let Some(r) = reporter {
            let _ = write!(out, ",\"报送人\":\"{}\"", self.people[r].id);
        }

        // 任务.
        let tasks = kind.tasks();
        match self.rng.below(1000) {
            0..=7 => {}
            8..=15 => out.push_str(",\"任务\":[]"),
            16..=29 => {
                let blank = *self.rng.pick(BLANKS);
                out.push_str(",\"任务\":[");
                push_json_str(out, blank);
                out.push(']');
            }
            _ => {
                // One to three distinct tasks.
                out.push_str(",\"任务\":[");
                let n = self.rng.range(1, 3).min(tasks.len() as i64) as usize;
                let start = self.rng.below(tasks.len() as u64) as usize;
                for i in 0..n {
                    if i > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "\"{}\"", tasks[(start + i) % tasks.len()]);
                }
                out.push(']');
            }
        }

        // 内容.
        match self.rng.below(1000) {
            0..=5 => {}
            6..=9 => out.push_str(",\"内容\":null"),
            10..=29 => {
                out.push_str(",\"内容\":");
                let blank = *self.rng.pick(BLANKS);
                push_json_str(out, blank);
            }
            _ => {
                let task = *self.rng.pick(tasks);
                let progress = *self.rng.pick(PROGRESS);
                let _ = write!(out, ",\"内容\":\"{m}月份{task}{progress}。");
                if self.rng.chance(300) {
                    let problem = *self.rng.pick(PROBLEMS);
                    let _ = write!(out, "存在问题:{problem}。");
                }
                if self.rng.chance(500) {
                    let plan = *self.rng.pick(PLANS);
                    let _ = write!(out, "下月打算:{plan}。");
                }
                out.push('"');
            }
        }

        // 数据: every required item, one of them spoilt now and then.
        let unit = &self.units[u];
        let revenue = unit.revenue;
        let mut items: Vec<(&'static str, Item)> = Vec::with_capacity(12);
        if revenue.is_some() {
            items.extend_from_slice(REVENUE_ITEMS);
        }
        items.extend_from_slice(kind.items());
        let spoil = if !items.is_empty() && self.rng.chance(50) {
            Some(self.rng.below(items.len() as u64) as usize)
        } else {
            None
        };
        out.push_str(",\"数据\":{");
        let mut sep = "";
        for (i, &(name, item)) in items.iter().enumerate() {
            if spoil == Some(i) {
                match self.rng.below(4) {
                    0 => continue,
                    1 => {
                        let _ = write!(out, "{sep}\"{name}\":null");
                    }
                    _ => {
                        let _ = write!(out, "{sep}\"{name}\":");
                        let blank = *self.rng.pick(BLANKS);
                        push_json_str(out, blank);
                    }
                }
                sep = ",";
                continue;
            }
            let _ = write!(out, "{sep}\"{name}\":");
            sep = ",";
            match (name, item) {
                ("收入计划", _) => {
                    let plan = revenue.map_or(0, |(t, _)| t.max(0) / 12);
                    let _ = write!(out, "\"{}\"", fen_text(plan, true));
                }
                ("收入完成", _) => {
                    let q = ((m - 1) / 3) as usize;
                    let done = revenue.map_or(0, |(_, d)| d[q] / 3);
                    let _ = write!(out, "\"{}\"", fen_text(done, false));
                }
                (_, Item::Money) => {
                    let fen = self.rng.range(0, 5_000_000) * 100;
                    let _ = write!(out, "\"{}\"", fen_text(fen, false));
                }
                (_, Item::Count) => {
                    // A count of 0 is data too.
                    let n = if self.rng.chance(100) {
                        0
                    } else {
                        self.rng.range(1, 60)
                    };
                    let _ = write!(out, "{n}");
                }
                (_, Item::Text(pattern)) => {
                    out.push('"');
                    for (k, piece) in pattern.split('{').enumerate() {
                        if k == 0 {
                            out.push_str(piece);
                        } else if let Some(rest) = piece.strip_prefix("n}") {
                            let _ = write!(out, "{}{rest}", self.rng.range(1, 30));
                        } else if let Some(rest) = piece.strip_prefix("m}") {
                            let _ = write!(out, "{}{rest}", self.rng.range(1_000, 90_000));
                        }
                    }
                    out.push('"');
                }
            }
        }
        if items.is_empty() && self.rng.chance(500) {
            let _ = write!(out, "\"备注\":\"{}\"", self.rng.range(1, 9));
        }
        out.push_str("}}");
    }

    fn write_events(&mut self, out: &mut String) {
        const FIRST: [(&str, Option<bool>); 6] = [
            ("通报批评", None),
            ("上级考核扣分", Some(true)),
            ("上级考核扣分", Some(false)),
            ("治庸问责", None),
            ("党纪政纪处分", None),
            ("法律制裁", None),
        ];
        let count = (self.staff * 3 / 100).max(FIRST.len());
        let mut events: Vec<(u32, u32, usize, &str, Option<bool>)> = Vec::with_capacity(count);
        for i in 0..count {
            let (kind, non_ability) = if let Some(&first) = FIRST.get(i) {
                first
            } else {
                match self.rng.below(100) {
                    0..=31 => ("通报批评", None),
                    32..=46 => ("上级考核扣分", Some(true)),
                    47..=61 => ("上级考核扣分", Some(false)),
                    62..=81 => ("治庸问责", None),
                    82..=92 => ("党纪政纪处分", None),
                    _ => ("法律制裁", None),
                }
            };
            // Mostly anyone; now and then a unit's head or a leader.
            let who = match self.rng.below(100) {
                0..=14 => {
                    let u = 1 + self.rng.below(self.units.len() as u64 - 1) as usize;
                    self.units[u].head
                }
                15..=19 => self.rng.below(self.units[0].len as u64) as usize,
                _ => self.rng.below(self.people.len() as u64) as usize,
            };
            let month = self.rng.range(1, 12) as u32;
            let day = self.rng.range(1, 28) as u32;
            events.push((month, day, who, kind, non_ability));
        }
        events.sort_by_key(|&(m, d, ..)| (m, d));
        out.push_str("\"事件\":[\n");
        let width = digits(count).max(3);
        for (i, (month, day, who, kind, non_ability)) in events.into_iter().enumerate() {
            if i > 0 {
                out.push_str(",\n");
            }
            let _ = write!(
                out,
                "{{\"编号\":\"E{:0width$}\",\"类型\":\"{kind}\",\"当事人\":\"{}\",\"日期\":\"{YEAR}-{month:02}-{day:02}\"",
                i + 1,
                self.people[who].id,
                width = width
            );
            match non_ability {
                // Written out, or (for false) sometimes left to its default.
                Some(true) => out.push_str(",\"非能力因素\":true"),
                Some(false) if self.rng.chance(700) => out.push_str(",\"非能力因素\":false"),
                None if self.rng.chance(100) => out.push_str(",\"非能力因素\":false"),
                _ => {}
            }
            let note = *self.rng.pick(EVENT_NOTES);
            let _ = write!(out, ",\"说明\":\"{note}\"}}");
        }
        out.push_str("\n]");
    }
}

fn unit_name(kind: Kind, k: usize, rng: &mut Rng) -> String {
    match kind {
        Kind::Leadership => "局领导班子".to_owned(),
        Kind::Revenue => format!("征收{}科", chinese_number(k)),
        Kind::Audit if k == 1 => "稽查局".to_owned(),
        Kind::Audit => format!("稽查{}分局", chinese_number(k - 1)),
        Kind::Other => {
            let base = *rng.pick(OTHER_UNIT_NAMES);
            if k == 1 {
                base.to_owned()
            } else {
                format!("{base}{}", chinese_number(k))
            }
        }
        _ if k == 1 => kind.name().to_owned(),
        _ => format!("{}{}", kind.name(), chinese_number(k)),
    }
}

/// 1 → 一, 12 → 十二, 305 → 三百零五; plain digits from 1,000 up.
fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_owned(),
        10..=19 => format!("十{}", if n > 10 { D[n - 10] } else { "" }),
        20..=99 => format!(
            "{}十{}",
            D[n / 10],
            if !n.is_multiple_of(10) { D[n % 10] } else { "" }
        ),
        100..=999 => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", D[rest]),
                10..=19 => format!("一{}", chinese_number(rest)),
                _ => chinese_number(rest),
            };
            format!("{}百{tail}", D[n / 100])
        }
        _ => n.to_string(),
    }
}

/// A 自评分 in hundredths of a point: mostly 80..100 with up to 2 decimals.
fn self_score(rng: &mut Rng) -> i64 {
    let raw = match rng.below(1000) {
        0..=4 => rng.range(0, 5_000),
        5..=79 => rng.range(5_000, 8_000),
        _ => rng.range(8_000, 10_000),
    };
    match rng.below(10) {
        0..=3 => raw / 100 * 100,
        4..=6 => raw / 10 * 10,
        _ => raw,
    }
}

/// Hundredths as a plain decimal number, without trailing zeros: 9550 → 95.5.
fn hundredths_text(h: i64) -> String {
    let (whole, frac) = (h / 100, h % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// Fen as 元 text: "1234.50", or "1234" when `whole` and it has no fen.
fn fen_text(fen: i64, whole: bool) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    if whole && abs.is_multiple_of(100) {
        format!("{sign}{}", abs / 100)
    } else {
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

fn digits(n: usize) -> usize {
    n.max(1).ilog10() as usize + 1
}

/// A JSON string literal; only the blank samples need escapes.
fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
