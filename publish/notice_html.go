//go:build !js

package publish

import (
	"html/template"
	"io"
	"time"
)

// noticeTime writes an instant for people: "2026-11-22 09:35" in China
// Standard Time (the notice says all times are Beijing time).
func noticeTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format("2006-01-02 15:04")
}

var noticeFuncs = template.FuncMap{
	"time": noticeTime,
	"inc":  func(i int) int { return i + 1 },
}

// noticeHTML is the page. It must stay well-formed XML (void elements
// closed with "/>", no named entities, no '<' or '&' in the style sheet)
// so that tests can parse it with encoding/xml, and it loads nothing: no
// script, no image, no style sheet or font from elsewhere.
var noticeHTML = template.Must(template.New("notice").Funcs(noticeFuncs).Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{{.Title}}</title>
<style>
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimSun", sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #111; line-height: 1.6; }
h1 { font-size: 1.6em; text-align: center; margin-bottom: 0.2em; }
.meta { text-align: center; color: #444; margin-top: 0; }
h2 { font-size: 1.2em; border-bottom: 1px solid #999; margin-top: 1.6em; }
h3 { font-size: 1.05em; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; font-size: 0.92em; }
th, td { border: 1px solid #888; padding: 0.25em 0.45em; vertical-align: top; text-align: left; }
th { background: #eee; }
table.facts th { width: 11em; }
pre { white-space: pre-wrap; word-break: break-all; background: #f6f6f6; border: 1px solid #ccc; padding: 0.5em; }
.none { color: #555; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  a { color: #000; text-decoration: none; }
  thead { display: table-header-group; }
  tr, pre { page-break-inside: avoid; }
  h2 { page-break-after: avoid; }
}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">发布机关：{{.Authority}}　台账：{{.Ledger}}{{if .AsOf}}　截至台账文件 {{.AsOf}}（{{time .AsOfTime}}）{{end}}</p>
<p class="meta">本页所列时间均为北京时间。{{if .Private}}本件含检查人员信息，仅送被检查单位，不得公开。{{end}}</p>

<h2 id="draws">一、抽查情况</h2>
{{range $i, $d := .Draws}}
<h3>{{inc $i}}. {{$d.Plan}}</h3>
<table class="facts">
<tbody>
<tr><th>抽查计划</th><td>{{$d.Plan}}{{if $d.PlanID}}（编号 {{$d.PlanID}}）{{end}}</td></tr>
<tr><th>抽查事项</th><td>{{range $j, $t := $d.Tasks}}{{if $j}}；{{end}}{{$t.Name}}：{{$t.Selected}} 户{{end}}</td></tr>
<tr><th>抽查公告</th><td>{{time $d.Announced}} 发布（{{$d.AnnouncementFile}}）</td></tr>
<tr><th>随机数来源</th><td>{{range $j, $s := $d.Seed}}{{if $j}}；{{end}}{{$s}}{{end}}</td></tr>
<tr><th>抽取时间</th><td>{{time $d.Drawn}}（{{$d.DrawFile}}）</td></tr>
<tr><th>抽取记录摘要</th><td><code>{{$d.Draw}}</code></td></tr>
<tr><th>抽中户数</th><td>{{$d.Selected}} 户{{if $d.Unstaffed}}，其中 {{$d.Unstaffed}} 户未能组成检查组{{end}}；已公示结果 {{$d.Results}} 户</td></tr>
</tbody>
</table>
{{else}}{{if not .Sealed}}
<p class="none">无。</p>
{{end}}{{end}}
{{if .Sealed}}
<h3>已抽取、封存待公开的抽查</h3>
<p>以下抽查已经抽取，抽取结果已封存（只公开其摘要），检查完成后公开；公开的抽取记录必须与封存摘要一致，任何改动都会被核验发现。</p>
<table>
<thead><tr><th>抽查计划</th><th>抽查公告</th><th>随机数来源</th><th>抽取时间</th><th>封存记录</th><th>封存摘要</th></tr></thead>
<tbody>
{{range .Sealed}}<tr><td>{{.Plan}}{{if .PlanID}}（编号 {{.PlanID}}）{{end}}</td><td>{{time .Announced}}（{{.AnnouncementFile}}）</td><td>{{range $j, $s := .Seed}}{{if $j}}；{{end}}{{$s}}{{end}}</td><td>{{time .Drawn}}</td><td>{{time .Sealed}}（{{.SealFile}}）</td><td><code>{{.Seal}}</code></td></tr>
{{end}}</tbody>
</table>
{{end}}

<h2 id="results">二、抽查名单及检查结果</h2>
<table class="list">
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table>

<h2 id="substitutions">三、检查人员调整</h2>
{{$any := false}}{{range .Draws}}{{if .Substitutions}}{{$any = true}}{{end}}{{end}}
{{if $any}}
<table>
<thead><tr><th>抽查计划</th><th>检查对象</th><th>调整原因</th><th>发布时间</th><th>记录</th>{{if .Private}}<th>调出</th><th>调入</th>{{end}}</tr></thead>
<tbody>
{{range $d := .Draws}}{{range .Substitutions}}<tr><td>{{$d.Plan}}</td><td>{{.PremisesName}}（{{.Premises}}）</td><td>{{.Reason}}{{if .Conflict}}（利益冲突回避）{{end}}{{if .Unstaffed}}；无符合条件的替补人员，未能组成检查组{{else if .Short}}；无符合条件的替补人员，检查组缺员{{end}}</td><td>{{time .Published}}</td><td>{{.Doc}}</td>{{if $.Private}}<td>{{.Out}}</td><td>{{.In}}</td>{{end}}</tr>
{{end}}{{end}}</tbody>
</table>
{{else}}
<p class="none">无。</p>
{{end}}

<h2 id="voided">四、撤回的公告和作废的抽取</h2>
<h3>撤回的抽查公告</h3>
{{if .Withdrawn}}
<table>
<thead><tr><th>公告</th><th>抽查计划</th><th>撤回原因</th><th>撤回时间</th><th>说明</th></tr></thead>
<tbody>
{{range .Withdrawn}}<tr><td>{{.AnnouncementFile}}</td><td>{{.Plan}}</td><td>{{.Reason}}</td><td>{{time .Published}}</td><td>{{if .AfterSeed}}在随机数产生之后撤回（重新抽取）{{else}}在随机数产生之前撤回{{end}}</td></tr>
{{end}}</tbody>
</table>
{{else}}
<p class="none">无。</p>
{{end}}
<h3>作废的抽取</h3>
{{if .Voided}}
<table>
<thead><tr><th>抽取记录</th><th>抽查计划</th><th>抽取时间</th><th>作废原因</th><th>作废时间</th><th>重新抽取</th></tr></thead>
<tbody>
{{range .Voided}}<tr><td>{{.DrawFile}}</td><td>{{.Plan}}</td><td>{{time .Drawn}}</td><td>{{.Reason}}</td><td>{{time .Published}}（{{.RedrawFile}}）</td><td>{{if .AnsweredBy}}见公告 {{.AnsweredBy}}{{else}}尚未重新公告{{end}}</td></tr>
{{end}}</tbody>
</table>
{{else}}
<p class="none">无。</p>
{{end}}

<h2 id="verify">五、如何核验</h2>
<p>本次抽查的每一份公告、抽取记录、人员调整和结果都已签名并按顺序记入台账“{{.Ledger}}”。任何人都可以用公开数据包独立重算抽取结果，核对本公示与台账是否一致，不需要向本机关索取任何信息。</p>
<ol>
<li>下载公开数据包：{{if .BundleURL}}<a href="{{.BundleURL}}">{{.BundleURL}}</a>{{else}}（请向发布机关索取公开数据包地址）{{end}}。</li>
<li>核验公钥（将下列每一行分别保存为文件，例如 key1.pub）：{{if .VerifierKeys}}{{range .VerifierKeys}}<pre>{{.}}</pre>{{end}}{{else}}（请向发布机关索取公钥）{{end}}</li>
<li>在 doublerandom 源码目录中运行：<pre>{{.VerifyCommand}}</pre>其中 BUNDLE 是解压后的数据包目录。输出 “verified: OK” 即表示签名、顺序、抽取重算和人员调整全部一致；若有公告在随机数产生后被撤回或重新抽取，输出中会标明 “re-roll”。</li>
<li>被检查单位还可以用本单位的记录和包含证明核对自己是否应被抽中（selfcheck 命令）。</li>
</ol>
</body>
</html>
`))

// WriteHTML writes the notice as a static web page in Chinese: the
// authority, each draw (plan, tasks, times, seed sources), the table of
// [WriteNotice], substitutions with their reasons, withdrawn
// announcements and voided draws, and how to verify (the bundle's
// address, the verifier keys, the command). It is UTF-8,
// <html lang="zh-CN">, well-formed (XHTML-compatible), printable (print
// style sheet), and makes no request: no script, image, style sheet or
// font from elsewhere; the bundle's address is a link and text. Every
// value is escaped.
func (n *Notice) WriteHTML(w io.Writer) error {
	return noticeHTML.Execute(w, n)
}
