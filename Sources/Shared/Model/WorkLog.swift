/// 网格化管理工作日志: what a grid worker did on one working day (排查报送).
///
/// Written once by its author and never edited, so it travels as a single `log` operation and
/// never conflicts. The counts feed the daily, weekly and monthly reports (日报周查月考核).
public enum WorkLog {
    static let count = ValueRule.integer(0...10_000)

    public static let schema = RecordSchema(
        type: .workLog,
        fields: [
            FieldSpec("gridId", .gridNode, label: LocalizedText("grid", zh: "所属网格"), required: true),
            FieldSpec("date", .date, label: LocalizedText("date", zh: "日期"), required: true),
            FieldSpec("text", .text(maxLength: 4000), label: LocalizedText("narrative", zh: "工作记录"), required: true),
            FieldSpec("patrolMinutes", .integer(0...1440), label: LocalizedText("patrol minutes", zh: "巡查时长（分钟）")),
            FieldSpec("householdsVisited", count, label: LocalizedText("households visited", zh: "走访户数")),
            FieldSpec("disputes", count, label: LocalizedText("disputes found", zh: "矛盾纠纷")),
            FieldSpec("requests", count, label: LocalizedText("residents' requests", zh: "群众诉求")),
            FieldSpec("hazards", count, label: LocalizedText("safety and fire hazards", zh: "治安消防隐患")),
            FieldSpec("environment", count, label: LocalizedText("environment problems", zh: "环境卫生问题")),
            FieldSpec("solvedOnSpot", count, label: LocalizedText("solved on the spot", zh: "当场解决")),
            FieldSpec("reportedUp", count, label: LocalizedText("reported upward", zh: "上报")),
        ]
    )
}
