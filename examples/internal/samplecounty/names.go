package samplecounty

// The word lists the generator draws from. Changing any of them changes the
// generated county, and the embedded files must then be regenerated with
// go generate.

// township is one township-level division (乡镇/街道) of the county.
type township struct {
	name   string // full name
	short  string // the name without 镇, 乡 or 街道, used in names
	urban  bool   // 街道: addresses on roads rather than in villages
	weight int    // share of the county's premises
}

// townships are the county's 18 townships; the i'th (from 0) has region
// code 371727001+i.
var townships = [...]township{
	{"城关街道", "城关", true, 16},
	{"东城街道", "东城", true, 11},
	{"西湖街道", "西湖", true, 9},
	{"柳湾镇", "柳湾", false, 6},
	{"石桥镇", "石桥", false, 6},
	{"黄楼镇", "黄楼", false, 5},
	{"南集镇", "南集", false, 5},
	{"马庄镇", "马庄", false, 5},
	{"杏花镇", "杏花", false, 4},
	{"双河镇", "双河", false, 4},
	{"白沙镇", "白沙", false, 4},
	{"古城镇", "古城", false, 4},
	{"泉口镇", "泉口", false, 4},
	{"龙湖镇", "龙湖", false, 3},
	{"新兴镇", "新兴", false, 3},
	{"陈集乡", "陈集", false, 3},
	{"大王庄乡", "大王庄", false, 3},
	{"青山乡", "青山", false, 3},
}

// tradeSyllables build shop and company names (字号), two at a time.
var tradeSyllables = [...]string{
	"华", "盛", "泰", "恒", "瑞", "祥", "鑫", "源", "德", "隆",
	"兴", "昌", "福", "康", "安", "达", "永", "和", "顺", "明",
	"佳", "美", "金", "宏", "嘉", "正", "信", "丰", "春", "润",
	"博", "新", "益", "荣", "万", "天", "合", "利", "东", "旺",
}

var surnames = [...]string{
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
	"徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
	"梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
	"程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕",
}

var givenSyllables = [...]string{
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
	"勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平",
	"刚", "桂", "英", "华", "文", "建", "国", "志", "红", "玉",
	"海", "燕", "晓", "春", "雪", "立", "宁", "斌", "婷", "鹏",
}

// villageEnds finish village names such as 王庄 or 李集.
var villageEnds = [...]string{
	"庄", "集", "屯", "楼", "寨", "店", "营", "桥", "湾", "洼",
	"口", "岗", "园", "坊", "堂", "铺",
}

var roads = [...]string{
	"人民路", "建设路", "解放路", "文化路", "新华路", "和平路",
	"光明路", "胜利路", "青年路", "幸福街", "府前街", "中兴大道",
}

// Inspector specialties (the plan's team rules name some of them).
const (
	specPublicHealth  = "public_health"
	specDrinkingWater = "drinking_water"
	specSchoolHealth  = "school_health"
	specMedical       = "medical"
	specOccupational  = "occupational"
	specRadiation     = "radiation"
)

// Premises categories.
const (
	catPublicPlace   = "public_place"
	catDrinkingWater = "drinking_water"
	catSchool        = "school"
	catMedical       = "medical"
	catOccupational  = "occupational"
	catRadiation     = "radiation"
)

// Kinds of identifier a premises may carry.
const (
	idCompany     = "91" // 企业 (registered with market regulation)
	idIndividual  = "92" // 个体工商户
	idInstitution = "12" // 事业单位 (public institution)
	idSocial      = "52" // 民办非企业单位 (private non-profit)
	idLicence     = "licence"
)

// premisesType is one kind of premises: its category, the subcategory
// written in the roster, how its names and ids look, and how its risk
// classes are spread.
type premisesType struct {
	category    string
	subcategory string
	weight      int       // share among the randomly generated premises
	ids         []idShare // identifier kinds and their shares
	suffixes    []string  // name endings after the trade name
	village     bool      // named after a village (村卫生室, 村小学)
	risk        [4]int    // weights of A, B, C, D
}

type idShare struct {
	kind   string
	weight int
}

// premisesTypes are the randomly generated kinds of premises; the fixed
// institutions (hospitals, township health centres, central schools, water
// works) are added by fixedPremises.
var premisesTypes = [...]premisesType{
	{catPublicPlace, "宾馆", 170, []idShare{{idCompany, 7}, {idIndividual, 3}},
		[]string{"宾馆", "酒店", "商务酒店", "快捷酒店", "旅馆"}, false, [4]int{20, 50, 28, 2}},
	{catPublicPlace, "浴室", 90, []idShare{{idCompany, 4}, {idIndividual, 6}},
		[]string{"浴池", "洗浴中心", "浴室", "足浴店"}, false, [4]int{15, 45, 38, 2}},
	{catPublicPlace, "美容美发", 640, []idShare{{idIndividual, 9}, {idCompany, 1}},
		[]string{"理发店", "美发店", "美容院", "美发工作室", "美容美发店"}, false, [4]int{35, 45, 19, 1}},
	{catPublicPlace, "游泳场所", 22, []idShare{{idCompany, 1}},
		[]string{"游泳馆", "游泳健身中心"}, false, [4]int{0, 30, 55, 15}},
	{catPublicPlace, "文化娱乐场所", 45, []idShare{{idCompany, 1}},
		[]string{"影城", "歌舞厅", "影剧院", "网咖"}, false, [4]int{20, 50, 28, 2}},
	{catPublicPlace, "商场超市", 100, []idShare{{idCompany, 6}, {idIndividual, 4}},
		[]string{"购物广场", "超市", "商场"}, false, [4]int{30, 50, 19, 1}},
	{catDrinkingWater, "集中式供水", 30, []idShare{{idInstitution, 3}, {idCompany, 1}},
		[]string{"供水站"}, true, [4]int{0, 40, 55, 5}},
	{catDrinkingWater, "二次供水", 110, []idShare{{idCompany, 1}},
		[]string{"物业服务有限公司", "物业管理有限公司"}, false, [4]int{10, 50, 39, 1}},
	{catDrinkingWater, "涉水产品", 40, []idShare{{idCompany, 1}},
		[]string{"净水设备有限公司", "水处理设备有限公司", "管业有限公司"}, false, [4]int{30, 50, 20, 0}},
	{catSchool, "中小学", 60, []idShare{{idInstitution, 1}},
		[]string{"小学", "小学", "小学", "初级中学"}, true, [4]int{15, 50, 34, 1}},
	{catSchool, "幼儿园", 110, []idShare{{idSocial, 7}, {idInstitution, 3}},
		[]string{"幼儿园", "双语幼儿园", "实验幼儿园"}, false, [4]int{15, 50, 34, 1}},
	{catMedical, "卫生室", 420, []idShare{{idLicence, 8}, {idSocial, 2}},
		[]string{"卫生室"}, true, [4]int{30, 50, 19, 1}},
	{catMedical, "诊所", 260, []idShare{{idIndividual, 5}, {idCompany, 3}, {idSocial, 2}},
		[]string{"诊所", "口腔诊所", "中医诊所", "内科诊所", "门诊部"}, false, [4]int{20, 50, 28, 2}},
	{catMedical, "医院", 14, []idShare{{idCompany, 1}, {idSocial, 1}},
		[]string{"医院", "骨科医院", "妇产医院", "中医医院"}, false, [4]int{0, 30, 60, 10}},
	{catOccupational, "制造企业", 300, []idShare{{idCompany, 1}},
		[]string{"机械制造有限公司", "化工有限公司", "木业有限公司", "纺织有限公司",
			"建材有限公司", "家具有限公司", "食品有限公司", "塑业有限公司"}, false, [4]int{15, 45, 38, 2}},
	{catRadiation, "放射诊疗", 18, []idShare{{idCompany, 6}, {idSocial, 4}},
		[]string{"口腔门诊部", "医学影像诊断中心", "健康体检中心", "骨伤医院"}, false, [4]int{5, 50, 40, 5}},
}
