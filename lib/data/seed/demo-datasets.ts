// The demo data: four users and six datasets, generated deterministically.
// Every dataset's text carries formula-injection probes (=, +, -, @, tab, CR), Unicode
// (é ñ 中文 한글 € £), commas/quotes/newlines, and negative numbers, so every export
// path meets them on the first day.
import type { ColumnType, Role } from "../../generated/prisma/enums";
import { createRandom, seedFromText, type Random } from "./random";

export type DemoUser = { email: string; name: string; role: Role; password: string };

export const DEMO_USERS: readonly DemoUser[] = [
  { email: "admin@outport.local", name: "Ada Admin", role: "admin", password: "outport-admin" },
  { email: "manager@outport.local", name: "Mina Manager", role: "manager", password: "outport-manager" },
  { email: "manager2@outport.local", name: "Marco Manager", role: "manager", password: "outport-manager2" },
  { email: "viewer@outport.local", name: "Victor Viewer", role: "viewer", password: "outport-viewer" },
];

export type DemoColumn = { key: string; label: string; type: ColumnType; sensitive?: boolean };
export type DemoRow = Record<string, unknown>;

export type DemoDataset = {
  title: string;
  description: string;
  ownerEmail: string;
  rows: number;
  dateColumn: string;
  categoryColumn: string;
  columns: readonly DemoColumn[];
  row: (random: Random, index: number) => DemoRow;
};

/** The OWASP CSV-injection payloads every dataset carries in its free text. */
export const FORMULA_PROBES = [
  "=1+1",
  "+1",
  "-1+1",
  "@SUM(A1:A2)",
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("http://evil.example","click me")',
  "\tindented with a tab",
  "\rstarts with a carriage return",
] as const;

const NAMES = [
  "김민준",
  "이서연",
  "박지호",
  "최수아",
  "정하준",
  "강지우",
  "王伟",
  "李娜",
  "张敏",
  "刘洋",
  "陈静",
  "杨帆",
  "José Martínez",
  "Chloé Dubois",
  "Renée Fontaine",
  "Zoë Müller",
  "Ana Peña",
  "Søren Lund",
  "Emily Johnson",
  "Liam O'Brien",
  "Noah Smith",
  "Olivia Brown",
  "Amara Okafor",
  "Priya Nair",
] as const;

const DEPARTMENTS = [
  "Computer Science",
  "Mathematics",
  "Physics",
  "Economics",
  "Literature",
  "Biology",
  "Music",
] as const;

const CITIES = ["Seoul", "Busan", "北京", "上海", "Montréal", "São Paulo", "Zürich", "London", "New York"] as const;

const DAY_MS = 86_400_000;

const dayRanges = new Map<string, { from: number; days: number; spanMs: number }>();

function dayRange(start: string, endInclusive: string) {
  const key = `${start}/${endInclusive}`;
  let range = dayRanges.get(key);
  if (!range) {
    const from = Date.parse(`${start}T00:00:00Z`);
    const to = Date.parse(`${endInclusive}T00:00:00Z`);
    range = { from, days: Math.round((to - from) / DAY_MS), spanMs: to + DAY_MS - 1000 - from };
    dayRanges.set(key, range);
  }
  return range;
}

function isoDate(start: string, endInclusive: string, random: Random): string {
  const { from, days } = dayRange(start, endInclusive);
  return new Date(from + random.int(0, days) * DAY_MS).toISOString().slice(0, 10);
}

function isoDateTime(start: string, endInclusive: string, random: Random): string {
  const { from, spanMs } = dayRange(start, endInclusive);
  const seconds = Math.floor((from + random.next() * spanMs) / 1000);
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

const emailNames = new Map<string, string>();

function emailFor(name: string, index: number): string {
  let ascii = emailNames.get(name);
  if (ascii === undefined) {
    ascii = name
      .replace(/ø/g, "o")
      .replace(/æ/g, "ae")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z]+/g, ".")
      .replace(/^\.|\.$/g, "");
    emailNames.set(name, ascii || "student");
  }
  return `${ascii || "student"}.${index + 1}@uni.example`;
}

/** Free text: mostly ordinary, every 50th row a probe, some with commas/quotes/newlines. */
function note(random: Random, index: number, ordinary: readonly string[]): string | null {
  if (index % 50 === 7) return FORMULA_PROBES[Math.floor(index / 50) % FORMULA_PROBES.length] ?? null;
  if (random.chance(0.25)) return null;
  return random.pick(ordinary);
}

const SALES_PRODUCTS = [
  { product: "Café Crème Beans 1 kg €", category: "Beverages", price: [18, 32] },
  { product: "Earl Grey Tin £", category: "Beverages", price: [6, 14] },
  { product: "Piñata Deluxe", category: "Party", price: [22, 45] },
  { product: "Jalapeño Hot Sauce", category: "Condiments", price: [4, 9] },
  { product: "Crème Brûlée Kit", category: "Desserts", price: [12, 24] },
  { product: "Açaí Bowl Mix", category: "Desserts", price: [8, 16] },
  { product: 'Gift Box "Señorita"', category: "Gifts", price: [35, 90] },
] as const;

const SALES_CUSTOMERS = [
  "Muñoz & Hijos",
  "O'Brien Ltd",
  "Café de Flore",
  "Nørrebro Deli",
  "Smith, Jones & Co",
  "Ünal Gıda",
  "Peña Brothers",
  "Les Délices",
  "서울상사",
  "上海贸易",
] as const;

const q1Sales: DemoDataset = {
  title: "Q1 Sales",
  description: "Order lines for January–March 2025 across five regions, in EUR, GBP and USD. Returns are negative.",
  ownerEmail: "manager@outport.local",
  rows: 3500,
  dateColumn: "sale_date",
  categoryColumn: "category",
  columns: [
    { key: "order_id", label: "Order ID", type: "string" },
    { key: "sale_date", label: "Sale date", type: "date" },
    { key: "region", label: "Region", type: "string" },
    { key: "customer", label: "Customer", type: "string" },
    { key: "product", label: "Product", type: "string" },
    { key: "category", label: "Category", type: "string" },
    { key: "quantity", label: "Quantity", type: "integer" },
    { key: "unit_price", label: "Unit price", type: "number" },
    { key: "amount", label: "Amount", type: "number" },
    { key: "currency", label: "Currency", type: "string" },
    { key: "paid", label: "Paid", type: "boolean" },
    { key: "notes", label: "Notes", type: "string" },
  ],
  row: (random, index) => {
    const item = random.pick(SALES_PRODUCTS);
    const isReturn = random.chance(0.06);
    const quantity = random.int(1, 40) * (isReturn ? -1 : 1);
    const unitPrice = random.float(item.price[0], item.price[1], 2);
    return {
      order_id: `SO-2025-${pad(index + 1, 5)}`,
      sale_date: isoDate("2025-01-01", "2025-03-31", random),
      region: random.pick(["Europe", "UK & Ireland", "Iberia", "Americas", "APAC"] as const),
      customer:
        index % 50 === 23
          ? random.pick(["@acme_corp", "+44 20 7946 0958", "-Walk-in-", "=Sum Corp"])
          : random.pick(SALES_CUSTOMERS),
      product: item.product,
      category: item.category,
      quantity,
      unit_price: unitPrice,
      amount: Number((quantity * unitPrice).toFixed(2)),
      currency: random.pick(["EUR", "EUR", "GBP", "USD"] as const),
      paid: random.chance(0.85),
      notes: note(random, index, [
        "Delivered on time",
        "Discount 10%, loyalty card",
        'Customer said "excellent"',
        "Return: damaged in transit",
        "Invoice sent, awaiting payment",
        "Paid in £ at the counter",
      ]),
    };
  },
};

function studentRow(random: Random, index: number, prefix: string, from: string, to: string) {
  const name = random.pick(NAMES);
  return {
    student_id: `${prefix}-${pad(index + 1, 5)}`,
    name,
    email: emailFor(name, index),
    department: random.pick(DEPARTMENTS),
    enrollment_date: isoDate(from, to, random),
    year: random.int(1, 4),
    credits: random.int(0, 140),
    gpa: random.float(1.2, 4.3, 2),
  };
}

const STUDENT_NOTES = [
  "Transfer student, credits recognised",
  "Scholarship: 50%, renewable",
  'Prefers "Sam"',
  "Exchange semester in Montréal",
  "Leave of absence\nreturning next term",
  "장학금 수혜자",
  "交换生",
] as const;

const studentEnrollment: DemoDataset = {
  title: "Student Enrollment 2024",
  description: "Enrollments for the 2024 intake, by department, with balances (negative = credit).",
  ownerEmail: "manager@outport.local",
  rows: 8500,
  dateColumn: "enrollment_date",
  categoryColumn: "department",
  columns: [
    { key: "student_id", label: "Student ID", type: "string" },
    { key: "name", label: "Name", type: "string" },
    { key: "email", label: "E-mail", type: "string" },
    { key: "department", label: "Department", type: "string" },
    { key: "enrollment_date", label: "Enrollment date", type: "date" },
    { key: "year", label: "Year", type: "integer" },
    { key: "credits", label: "Credits", type: "integer" },
    { key: "gpa", label: "GPA", type: "number" },
    { key: "tuition_balance", label: "Tuition balance", type: "number" },
    { key: "international", label: "International", type: "boolean" },
    { key: "notes", label: "Notes", type: "string" },
  ],
  row: (random, index) => ({
    ...studentRow(random, index, "STU-24", "2024-01-01", "2025-12-31"),
    tuition_balance: random.float(-1500, 9000, 2),
    international: random.chance(0.22),
    notes: note(random, index, STUDENT_NOTES),
  }),
};

const COURSES = [
  { code: "CS101", title: "Introduction to Programming", department: "Computer Science" },
  { code: "CS240", title: "Data Structures", department: "Computer Science" },
  { code: "MA120", title: "Linear Algebra", department: "Mathematics" },
  { code: "PH210", title: "Quantum Mechanics I", department: "Physics" },
  { code: "EC101", title: "Principles of Economics", department: "Economics" },
  { code: "LI330", title: "Poésie française", department: "Literature" },
  { code: "BI150", title: "Cell Biology", department: "Biology" },
  { code: "MU200", title: "Harmony & Counterpoint", department: "Music" },
] as const;

const COMMENTS = [
  "Great course, clear lectures, fair exams.",
  'The instructor said "read chapter 4" — the best advice I got.',
  "Too much homework, but I learned a lot,\nespecially in the second half.",
  "Slides were hard to read; audio, however, was fine.",
  "정말 유익한 수업이었습니다. 추천합니다!",
  "老师讲得很好，但是作业太多。",
  "Excellent, même si le rythme était rapide.",
  "Labs, labs, labs. Bring coffee.",
] as const;

const courseEvaluations: DemoDataset = {
  title: "Course Evaluations",
  description: "End-of-term course evaluations with free-text comments (commas, quotes, line breaks).",
  ownerEmail: "manager@outport.local",
  rows: 1200,
  dateColumn: "submitted_at",
  categoryColumn: "department",
  columns: [
    { key: "evaluation_id", label: "Evaluation ID", type: "integer" },
    { key: "course_code", label: "Course", type: "string" },
    { key: "course_title", label: "Course title", type: "string" },
    { key: "department", label: "Department", type: "string" },
    { key: "instructor", label: "Instructor", type: "string" },
    { key: "score", label: "Score", type: "number" },
    { key: "score_change", label: "Change vs. last term", type: "number" },
    { key: "difficulty", label: "Difficulty", type: "integer" },
    { key: "would_recommend", label: "Would recommend", type: "boolean" },
    { key: "comment", label: "Comment", type: "string" },
    { key: "submitted_at", label: "Submitted at", type: "datetime" },
  ],
  row: (random, index) => {
    const course = random.pick(COURSES);
    const score = random.float(1, 5, 1);
    return {
      evaluation_id: index + 1,
      course_code: course.code,
      course_title: course.title,
      department: course.department,
      instructor: random.pick(NAMES),
      score,
      score_change: random.float(-1.5, 1.5, 1),
      difficulty: random.int(1, 5),
      would_recommend: score >= 3,
      comment: index % 40 === 11 ? random.pick(FORMULA_PROBES) : random.pick(COMMENTS),
      submitted_at: isoDateTime("2024-09-01", "2025-06-30", random),
    };
  },
};

const allStudents: DemoDataset = {
  title: "All Students 2024-2025",
  description: "Every registered student of the 2024–2025 academic year.",
  ownerEmail: "admin@outport.local",
  rows: 75000,
  dateColumn: "enrollment_date",
  categoryColumn: "department",
  columns: [
    { key: "student_id", label: "Student ID", type: "string" },
    { key: "name", label: "Name", type: "string" },
    { key: "email", label: "E-mail", type: "string" },
    { key: "department", label: "Department", type: "string" },
    { key: "enrollment_date", label: "Enrollment date", type: "date" },
    { key: "year", label: "Year", type: "integer" },
    { key: "credits", label: "Credits", type: "integer" },
    { key: "gpa", label: "GPA", type: "number" },
    { key: "balance", label: "Balance", type: "number" },
    { key: "active", label: "Active", type: "boolean" },
    { key: "city", label: "City", type: "string" },
    { key: "notes", label: "Notes", type: "string" },
  ],
  row: (random, index) => ({
    ...studentRow(random, index, "STU", "2024-03-01", "2025-02-28"),
    balance: random.float(-2500, 12000, 2),
    active: random.chance(0.93),
    city: random.pick(CITIES),
    notes: note(random, index, STUDENT_NOTES),
  }),
};

const MODELS = [
  { model: "gpt-4o", provider: "OpenAI", costPerKTok: 0.005 },
  { model: "gpt-4o-mini", provider: "OpenAI", costPerKTok: 0.0006 },
  { model: "claude-3.5-sonnet", provider: "Anthropic", costPerKTok: 0.003 },
  { model: "claude-3-haiku", provider: "Anthropic", costPerKTok: 0.00025 },
  { model: "gemini-1.5-pro", provider: "Google", costPerKTok: 0.0035 },
  { model: "llama-3-70b", provider: "Meta", costPerKTok: 0.0009 },
  { model: "mistral-large", provider: "Mistral", costPerKTok: 0.004 },
] as const;

const ERRORS = [
  "Timeout after 30 s",
  "Rate limit exceeded (429), retry later",
  'Invalid JSON: unexpected token "}" at position 1,204',
  "Context length exceeded: 131,072 tokens",
  "=ERROR(): model returned a formula",
  "@channel upstream 503",
  "-1 tokens reported by provider",
  "+ unexpected plus sign in output",
  "응답 시간 초과 (30초)",
  "模型返回了空响应",
  "Réponse invalide: caractère « ñ » inattendu",
] as const;

const evaluationResults: DemoDataset = {
  title: "Evaluation Results",
  description: "Automated LLM evaluation runs: outcome, score, latency, tokens and cost per test.",
  ownerEmail: "admin@outport.local",
  rows: 10000,
  dateColumn: "timestamp",
  categoryColumn: "provider",
  columns: [
    { key: "test_id", label: "Test ID", type: "string" },
    { key: "model_name", label: "Model", type: "string" },
    { key: "provider", label: "Provider", type: "string" },
    { key: "success", label: "Success", type: "boolean" },
    { key: "score", label: "Score", type: "number" },
    { key: "execution_time", label: "Execution time (s)", type: "number" },
    { key: "tokens_used", label: "Tokens used", type: "integer" },
    { key: "cost", label: "Cost (USD)", type: "number" },
    { key: "timestamp", label: "Timestamp", type: "datetime" },
    { key: "error_message", label: "Error message", type: "string" },
  ],
  row: (random, index) => {
    const model = random.pick(MODELS);
    const success = random.chance(0.88);
    const tokens = random.int(120, 12000);
    // Provider credits appear as negative costs.
    const credit = index % 97 === 5;
    return {
      test_id: `T-${pad(index + 1, 6)}`,
      model_name: model.model,
      provider: model.provider,
      success,
      score: success ? random.float(0.4, 1, 3) : random.float(0, 0.4, 3),
      execution_time: random.float(0.2, 28, 3),
      tokens_used: tokens,
      cost: Number(((credit ? -1 : 1) * (tokens / 1000) * model.costPerKTok).toFixed(6)),
      timestamp: isoDateTime("2025-01-01", "2025-06-30", random),
      error_message: success ? null : random.pick(ERRORS),
    };
  },
};

function token(random: Random, prefix: string, length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let out = prefix;
  for (let i = 0; i < length; i++) out += alphabet[random.int(0, alphabet.length - 1)];
  return out;
}

const PROMPTS = [
  "Summarise the Q1 sales report, please.",
  'Translate "welcome" into Korean: 환영합니다',
  "What's the refund policy for orders over €500?",
  "列出所有未付款的发票",
  "Draft an e-mail to the team,\nsubject: weekly sync",
  "Show me students with GPA < 2.0",
] as const;

const agentInteractions: DemoDataset = {
  title: "Agent Interactions (confidential)",
  description: "Support-agent conversations. API keys and session tokens are sensitive and redacted for non-admins.",
  ownerEmail: "admin@outport.local",
  rows: 2000,
  dateColumn: "created_at",
  categoryColumn: "channel",
  columns: [
    { key: "interaction_id", label: "Interaction ID", type: "string" },
    { key: "agent_name", label: "Agent", type: "string" },
    { key: "user_email", label: "User e-mail", type: "string" },
    { key: "channel", label: "Channel", type: "string" },
    { key: "prompt", label: "Prompt", type: "string" },
    { key: "response_time_ms", label: "Response time (ms)", type: "integer" },
    { key: "satisfaction", label: "Satisfaction (−2…2)", type: "integer" },
    { key: "api_key", label: "API key", type: "string", sensitive: true },
    { key: "session_token", label: "Session token", type: "string", sensitive: true },
    { key: "created_at", label: "Created at", type: "datetime" },
    { key: "metadata", label: "Metadata", type: "json" },
  ],
  row: (random, index) => {
    const name = random.pick(NAMES);
    return {
      interaction_id: `INT-${pad(index + 1, 5)}`,
      agent_name: random.pick(["Atlas", "Nova", "Orion", "Lyra"] as const),
      user_email: emailFor(name, index).replace("uni.example", "customer.example"),
      channel: random.pick(["web", "slack", "email", "api"] as const),
      prompt: index % 50 === 7 ? random.pick(FORMULA_PROBES) : random.pick(PROMPTS),
      response_time_ms: random.int(180, 9500),
      satisfaction: random.int(-2, 2),
      api_key: token(random, "sk-live-", 32),
      session_token: token(random, "sess_", 24),
      created_at: isoDateTime("2025-02-01", "2025-05-31", random),
      metadata: {
        model: random.pick(MODELS).model,
        tokens: random.int(50, 4000),
        tags: random.chance(0.3) ? ["escalated"] : [],
      },
    };
  },
};

export const DEMO_DATASETS: readonly DemoDataset[] = [
  q1Sales,
  studentEnrollment,
  courseEvaluations,
  allStudents,
  evaluationResults,
  agentInteractions,
];

/** Rows of a demo dataset in batches, generated lazily (75,000 rows never sit in memory). */
export function* demoRows(dataset: DemoDataset, batchSize: number): Generator<DemoRow[]> {
  const random = createRandom(seedFromText(dataset.title));
  for (let start = 0; start < dataset.rows; start += batchSize) {
    const batch: DemoRow[] = [];
    for (let i = start; i < Math.min(start + batchSize, dataset.rows); i++) batch.push(dataset.row(random, i));
    yield batch;
  }
}
