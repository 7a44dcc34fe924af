"""The README.md of the evidence bundle (a ``string.Template``; filled in by :func:`kaifang.roadmap.bundle.readme`)."""

README = """\
# $workspace $year 年度政策实施考核 · 第三方评估证据包

评估月份 $month；报送统计的参考日期 $reference_date（截止日早于该日的月度报告计入应报）。

## 复算

    python3 recompute.py

只用 Python 标准库，从 params.json、tasks.csv、kpis.csv、targets.csv、kpi_values.csv、reports.csv 独立复算
每个指标的灯色、进度比例与得分（assessment.csv）和每个部门的得分与名次（scores.csv），逐项比较
（精确到 1e-9），一致时退出码为 0。

## 方法

1. 目标：取评估月份有效的已批准目标（effective_from ≤ 月份的最新一条；待审批、未批准的申请不计）。
2. 序时进度：基期值 →（里程碑）→ 目标值的分段线性路径；基期前为基期值，期限后为目标值。
3. 进度比例 f(x) = (x − 基期值)/(目标值 − 基期值)；目标等于基期值时，达到即 1，否则 0。
4. 差距 = (f(应达值) − f(最新值)) × 100 个百分点，舍入到 1e-9：小于 $yellow 为绿灯，$yellow～$red（含）为黄灯，
   大于 $red 为红灯；最近 $missed 个报送期（目录指标按其频率，一期 = period_months 个月）均缺报为红灯；
   无数据为灰灯。
5. 指标得分：$points。
6. 部门得分：指标完成 = Σ权重×得分/Σ权重（牵头指标）；按时报送率 = 100 × 按时/应报（每个任务每月一份，
   次月 $due_day 日前报送，退回的不算）；数据质量 = 100 × (报送次数 − 退回次数)/报送次数；
   总分按 $weights 加权，某项不适用时按其余权重折算；总分相同（到 1e-9）名次相同。

## 文件

| 文件 | 内容 |
|---|---|
| params.json | 年度、评估月份、参考日期、阈值、权重、灯色分值 |
| policies.csv, tasks.csv, kpis.csv | 政策（文号、有效期、过渡期）、重点任务（牵头部门、起止月份）、量化指标 |
| targets.csv | 全部目标与调整申请：状态、理由、申请人、审批人 |
| kpi_values.csv | 每个指标每月读取的值及来源（月度报告编号，或观测值编号与派生指标的输入） |
| observations.csv | 目录指标及其公式输入的全部数据版本（submitted_at/superseded_at 标明在用区间） |
| reports.csv | 全部月度进展报送记录（含退回） |
| evidence.csv, evidence/ | 佐证材料原件及其 SHA-256 |
| assessment.csv, scores.csv | 平台算出的指标评估与部门得分（供复算比较） |
| recompute.py | 复算脚本 |
"""
