// The fixed facts of the demo street: the division tree down to 葛塘街道 (Getang street,
// Luhe district, Nanjing) with its eight real communities and their real 12-digit codes, the
// neighbouring 长芦街道 with two communities whose codes and names are invented, the housing
// estates, roads and village groups addresses are made from (invented but plausible), and the
// organizations on each street's registry.

package demo

import "gongzhi"

// Codes of the places the demo revolves around.
const (
	ProvinceCode  = "320000000000"
	CityCode      = "320100000000"
	DistrictCode  = "320116000000"
	StreetCode    = "320116004000" // 葛塘街道
	NeighbourCode = "320116005000" // 长芦街道
	ZhongshanCode = "320116004001" // 中山社区, home of the community, grid and resident accounts
)

// placeSpecs lists the places parents first.
var placeSpecs = []gongzhi.Place{
	{Code: ProvinceCode, Name: "江苏省", Level: gongzhi.LevelProvince},
	{Code: CityCode, Name: "南京市", Level: gongzhi.LevelCity, ParentCode: ProvinceCode},
	{Code: DistrictCode, Name: "六合区", Level: gongzhi.LevelDistrict, ParentCode: CityCode},
	{Code: StreetCode, Name: "葛塘街道", Level: gongzhi.LevelStreet, ParentCode: DistrictCode},
	{Code: "320116004001", Name: "中山社区居委会", Level: gongzhi.LevelCommunity, ParentCode: StreetCode},
	{Code: "320116004005", Name: "接待寺社区居委会", Level: gongzhi.LevelCommunity, ParentCode: StreetCode},
	{Code: "320116004007", Name: "工农社区居委会", Level: gongzhi.LevelCommunity, ParentCode: StreetCode},
	{Code: "320116004008", Name: "芳庭社区居委会", Level: gongzhi.LevelCommunity, ParentCode: StreetCode},
	{Code: "320116004009", Name: "新城社区居委会", Level: gongzhi.LevelCommunity, ParentCode: StreetCode},
	{Code: "320116004200", Name: "长城社区村委会", Level: gongzhi.LevelCommunity, ParentCode: StreetCode},
	{Code: "320116004201", Name: "前程社区村委会", Level: gongzhi.LevelCommunity, ParentCode: StreetCode},
	{Code: "320116004202", Name: "官塘河社区村委会", Level: gongzhi.LevelCommunity, ParentCode: StreetCode},
	{Code: NeighbourCode, Name: "长芦街道", Level: gongzhi.LevelStreet, ParentCode: DistrictCode},
	{Code: "320116005001", Name: "长芦社区居委会", Level: gongzhi.LevelCommunity, ParentCode: NeighbourCode},
	{Code: "320116005201", Name: "玉带社区村委会", Level: gongzhi.LevelCommunity, ParentCode: NeighbourCode},
}

// estate is a housing estate (小区) at a road address, or, for a village committee, a village
// group (村民小组, buildings == 0) whose houses are numbered.
type estate struct {
	name      string
	road      string // road and number of the estate's gate
	buildings int
	floors    int
	block     string // 栋 for newer estates, 幢 for older ones
}

// communitySpec says how to populate one community.
type communitySpec struct {
	code           string
	grids          [2]int // fewest and most grids
	households     [2]int // fewest and most households per grid
	estates        []estate
	school, clinic string
	team           string // the community's volunteer team: key of an org in orgSpecs, or ""
}

func group(name string) estate { return estate{name: name} }

var communitySpecs = []communitySpec{
	{code: "320116004001", grids: [2]int{4, 5}, households: [2]int{28, 40},
		estates: []estate{{"中山花园", "葛中路18号", 12, 6, "栋"}, {"葛中新村", "葛中路56号", 16, 5, "幢"}, {"金葛苑", "中山路9号", 10, 11, "栋"}},
		school:  "葛塘中心小学", clinic: "葛塘街道社区卫生服务中心", team: "xiyanghong"},
	{code: "320116004005", grids: [2]int{3, 4}, households: [2]int{25, 38},
		estates: []estate{{"接待寺小区", "宁六路218号", 14, 6, "幢"}, {"瑞景苑", "接待寺路6号", 10, 18, "栋"}},
		school:  "葛塘中心小学", clinic: "葛塘街道社区卫生服务中心", team: "qiaoshou"},
	{code: "320116004007", grids: [2]int{3, 5}, households: [2]int{25, 38},
		estates: []estate{{"工农新村", "葛关路102号", 20, 5, "幢"}, {"葛关雅苑", "葛关路88号", 8, 11, "栋"}},
		school:  "葛塘初级中学", clinic: "葛塘街道社区卫生服务中心", team: "tiaojie"},
	{code: "320116004008", grids: [2]int{3, 4}, households: [2]int{25, 38},
		estates: []estate{{"芳庭苑", "芳庭路1号", 16, 11, "栋"}, {"芳庭雅居", "芳庭路29号", 12, 18, "栋"}},
		school:  "葛塘中心小学芳庭分校", clinic: "芳庭社区卫生服务站", team: "sidian"},
	{code: "320116004009", grids: [2]int{4, 5}, households: [2]int{28, 40},
		estates: []estate{{"新城佳园", "新城大道66号", 18, 18, "栋"}, {"葛塘新城二期", "新城大道100号", 14, 11, "栋"}, {"锦绣江北", "新华路8号", 10, 26, "栋"}},
		school:  "葛塘初级中学", clinic: "新城社区卫生服务站", team: "wenti"},
	{code: "320116004200", grids: [2]int{3, 4}, households: [2]int{25, 35},
		estates: []estate{group("王营组"), group("李庄组"), {"长城安置小区", "长城路5号", 8, 6, "栋"}, group("大圩组"), group("陈洼组"), group("杨庄组")},
		school:  "葛塘中心小学", clinic: "长城社区卫生服务站", team: "laobing"},
	{code: "320116004201", grids: [2]int{3, 4}, households: [2]int{25, 35},
		estates: []estate{group("前程组"), group("后庄组"), {"前程家园", "前程路12号", 10, 6, "栋"}, group("高桥组"), group("许营组"), group("沈庄组")},
		school:  "葛塘中心小学", clinic: "前程社区卫生服务站", team: "huanbao"},
	{code: "320116004202", grids: [2]int{3, 5}, households: [2]int{25, 35},
		estates: []estate{group("官塘组"), group("河东组"), {"官塘河安置小区", "官塘路3号", 10, 6, "栋"}, group("河西组"), group("朱庄组"), group("周营组")},
		school:  "葛塘初级中学", clinic: "官塘河社区卫生服务站", team: "huzhu"},
	// 长芦街道: a little of everything, so that scope has something to hide.
	{code: "320116005001", grids: [2]int{2, 2}, households: [2]int{6, 9},
		estates: []estate{{"长芦花园", "长芦路36号", 10, 6, "栋"}, {"玉带新村", "玉带路21号", 8, 5, "幢"}},
		school:  "长芦中心小学", clinic: "长芦街道社区卫生服务中心", team: "shouwang"},
	{code: "320116005201", grids: [2]int{1, 1}, households: [2]int{6, 9},
		estates: []estate{group("玉带组")},
		school:  "长芦中心小学", clinic: "玉带社区卫生服务站"},
}

// orgSpec is an organization on a street's registry. Credit codes, legal representatives and
// contacts are generated; the rest is written here.
type orgSpec struct {
	key        string
	name       string
	typ        string
	regState   string
	origin     string
	regKind    string // first two characters of the credit code; "" when preparing
	division   string // the registering authority's division (characters 3–8 of the code)
	place      string
	fields     []string
	staff      int
	licensed   int
	grade      string
	incubation string
	year       int // registered or filed in
	address    string
	email      string
	notes      string
	workers    int // social workers to register for it
}

var orgSpecs = []orgSpec{
	{key: "hub", name: "六合区葛塘街道社会组织发展服务中心", typ: "hub", regState: "registered", origin: "local",
		regKind: regNonProfit, division: "320116", place: StreetCode,
		fields: []string{"community_governance", "social_work", "volunteering"}, staff: 9, licensed: 5, grade: "4A", year: 2017,
		address: "六合区葛塘街道葛中路66号党群服务中心三楼", email: "gtshzzfz@163.com", workers: 4,
		notes: "街道社会组织孵化基地运营方：需求对接、项目每月督查、联席会议与报告起草。"},
	{key: "tongxin", name: "南京市六合区同心社会工作服务中心", typ: "professional", regState: "registered", origin: "local",
		regKind: regNonProfit, division: "320116", place: StreetCode,
		fields: []string{"social_work", "elderly", "children", "community_governance"}, staff: 26, licensed: 14, grade: "4A",
		incubation: "graduated", year: 2016, address: "六合区葛塘街道中山路9号二楼", email: "lh_tongxin_sw@163.com", workers: 7,
		notes: "本土培育的专业社工机构，2016年从街道孵化基地出壳，承接中山、工农社区的社区社会工作服务。"},
	{key: "renai", name: "南京市鼓楼区仁爱社会工作服务中心", typ: "professional", regState: "registered", origin: "external",
		regKind: regNonProfit, division: "320106", place: StreetCode,
		fields: []string{"social_work", "elderly", "disability", "health"}, staff: 58, licensed: 33, grade: "5A", year: 2011,
		address: "南京市鼓楼区凤凰街道清江路88号", email: "gl_renai_sw@126.com", workers: 5,
		notes: "2023年引入葛塘街道，承接社区老人居家养老与社区康复项目。"},
	{key: "qiming", name: "南京市建邺区启明社会工作服务中心", typ: "professional", regState: "registered", origin: "external",
		regKind: regNonProfit, division: "320105", place: StreetCode,
		fields: []string{"social_work", "children", "education"}, staff: 31, licensed: 17, grade: "4A", year: 2014,
		address: "南京市建邺区南苑街道云锦路120号", email: "jy_qiming@163.com", workers: 4,
		notes: "2024年引入，承接芳庭、新城社区的青少年与家庭服务。"},
	{key: "xinhang", name: "江苏省心航青少年社会工作服务中心", typ: "professional", regState: "registered", origin: "external",
		regKind: regNonProfit, division: "320000", place: StreetCode,
		fields: []string{"children", "education", "social_work"}, staff: 42, licensed: 25, grade: "5A", year: 2012,
		address: "南京市玄武区珠江路280号", email: "js_xinhang@vip.163.com", workers: 4,
		notes: "省级登记机构，承接长城、前程、官塘河社区留守儿童关爱项目。"},
	{key: "mulin", name: "南京市六合区葛塘街道睦邻社会工作服务站", typ: "professional", regState: "registered", origin: "local",
		regKind: regNonProfit, division: "320116", place: StreetCode,
		fields: []string{"social_work", "community_governance", "poverty"}, staff: 7, licensed: 4, grade: "3A",
		incubation: "graduated", year: 2021, address: "六合区葛塘街道接待寺路6号", email: "gt_mulin@163.com", workers: 3,
		notes: "2021年由街道孵化登记，服务困难群众与社区议事协商。"},
	{key: "zhangzhe", name: "南京市六合区葛塘长者之家居家养老服务中心", typ: "professional", regState: "registered", origin: "local",
		regKind: regNonProfit, division: "320116", place: StreetCode,
		fields: []string{"elderly", "health"}, staff: 18, licensed: 3, grade: "3A",
		incubation: "graduated", year: 2019, address: "六合区葛塘街道新城大道66号", email: "gt_zhangzhe@163.com", workers: 3,
		notes: "运营街道长者食堂与两个社区居家养老服务站。"},
	{key: "yixin", name: "南京市六合区益心残障人士康复服务中心", typ: "professional", regState: "registered", origin: "local",
		regKind: regNonProfit, division: "320116", place: StreetCode,
		fields: []string{"disability", "health", "employment"}, staff: 12, licensed: 4, year: 2023,
		incubation: "graduated", address: "六合区葛塘街道葛关路88号", email: "lh_yixin@163.com", workers: 2,
		notes: "2023年登记，尚未参加等级评估。"},
	{key: "linli", name: "南京葛塘邻里生活服务有限公司", typ: "enterprise", regState: "registered", origin: "local",
		regKind: regCompany, division: "320116", place: StreetCode,
		fields: []string{"elderly", "employment", "environment"}, staff: 23, licensed: 0, year: 2020,
		incubation: "graduated", address: "六合区葛塘街道芳庭路29号", email: "gt_linli@163.com",
		notes: "社会企业：为社区老人提供助餐、家政与小修服务，吸纳本地就业困难人员，利润部分用于社区公益。"},
	{key: "xiyanghong", name: "葛塘街道中山社区夕阳红志愿服务队", typ: "community", regState: "filed", origin: "local",
		regKind: regSocialGroup, division: "320116", place: StreetCode,
		fields: []string{"volunteering", "elderly", "culture"}, incubation: "graduated", year: 2019,
		address: "六合区葛塘街道中山社区党群服务站", email: "",
		notes: "社区社会组织（备案），队员42人，多为退休居民，开展独居老人探访与文艺演出。"},
	{key: "qiaoshou", name: "葛塘街道接待寺社区巧手编织社", typ: "community", regState: "filed", origin: "local",
		regKind: regSocialGroup, division: "320116", place: StreetCode,
		fields: []string{"culture", "employment"}, incubation: "incubating", year: 2024,
		address: "六合区葛塘街道接待寺社区党群服务站",
		notes:   "社区社会组织（备案），孵化中，组织妇女开展编织手工与居家灵活就业。"},
	{key: "tiaojie", name: "葛塘街道工农社区邻里调解队", typ: "community", regState: "filed", origin: "local",
		regKind: regSocialGroup, division: "320116", place: StreetCode,
		fields: []string{"legal", "community_governance"}, incubation: "graduated", year: 2020,
		address: "六合区葛塘街道工农社区党群服务站",
		notes:   "社区社会组织（备案），由老党员、退休教师和社区民警组成，调解邻里纠纷。"},
	{key: "sidian", name: "葛塘街道芳庭社区“四点半课堂”志愿服务队", typ: "community", regState: "filed", origin: "local",
		regKind: regSocialGroup, division: "320116", place: StreetCode,
		fields: []string{"children", "education", "volunteering"}, incubation: "graduated", year: 2021,
		address: "六合区葛塘街道芳庭社区党群服务站",
		notes:   "社区社会组织（备案），为双职工家庭子女提供放学后看护与作业辅导。"},
	{key: "wenti", name: "葛塘街道新城社区文体协会", typ: "community", regState: "filed", origin: "local",
		regKind: regSocialGroup, division: "320116", place: StreetCode,
		fields: []string{"culture", "health"}, incubation: "incubating", year: 2023,
		address: "六合区葛塘街道新城社区党群服务站",
		notes:   "社区社会组织（备案），孵化中，下设广场舞队、太极拳队和合唱团。"},
	{key: "laobing", name: "葛塘街道长城社区老兵宣讲团", typ: "community", regState: "preparing", origin: "local",
		place: StreetCode, fields: []string{"culture", "community_governance"}, incubation: "incubating",
		address: "六合区葛塘街道长城社区党群服务站",
		notes:   "筹备中：退役军人为中小学生和社区居民开展国防教育宣讲。"},
	{key: "huanbao", name: "葛塘街道前程社区绿色家园环保志愿服务队", typ: "community", regState: "preparing", origin: "local",
		place: StreetCode, fields: []string{"environment", "volunteering"}, incubation: "idea",
		address: "六合区葛塘街道前程社区党群服务站",
		notes:   "创意阶段：垃圾分类督导与村庄环境整治。"},
	{key: "huzhu", name: "葛塘街道官塘河社区互助养老服务社", typ: "community", regState: "preparing", origin: "local",
		place: StreetCode, fields: []string{"elderly", "volunteering"}, incubation: "preparing_registration",
		address: "六合区葛塘街道官塘河社区党群服务站",
		notes:   "准备登记：低龄老人结对帮扶高龄、独居老人（时间银行）。"},
	{key: "qingxie", name: "南京市六合区葛塘街道青年志愿者协会", typ: "community", regState: "registered", origin: "local",
		regKind: regSocialGroup, division: "320116", place: StreetCode,
		fields: []string{"volunteering", "education", "environment"}, grade: "3A", year: 2018,
		address: "六合区葛塘街道葛中路66号党群服务中心二楼", email: "gt_qingxie@163.com",
		notes: "社会团体，会员以辖区青年、在校大学生为主。"},
	// 长芦街道's registry.
	{key: "changlu_hub", name: "六合区长芦街道社会组织服务中心", typ: "hub", regState: "registered", origin: "local",
		regKind: regNonProfit, division: "320116", place: NeighbourCode,
		fields: []string{"community_governance", "social_work"}, staff: 6, licensed: 3, grade: "3A", year: 2018,
		address: "六合区长芦街道长芦路36号", email: "cl_shzz@163.com", workers: 2,
		notes: "长芦街道的枢纽型社会组织。"},
	{key: "shouwang", name: "长芦街道长芦社区邻里守望志愿服务队", typ: "community", regState: "filed", origin: "local",
		regKind: regSocialGroup, division: "320116", place: NeighbourCode,
		fields: []string{"volunteering", "elderly"}, incubation: "incubating", year: 2022,
		address: "六合区长芦街道长芦社区党群服务站",
		notes:   "社区社会组织（备案），夜间巡逻与独居老人探访。"},
}

// expertSpec is a member of the district's expert pool. org names an organization the expert
// is tied to (board member, supervisor), so a panel drawn for its applications must exclude them.
type expertSpec struct {
	affiliation string
	title       string
	fields      []string
	org         string
	notes       string
}

var expertSpecs = []expertSpec{
	{"南京大学社会学院", "副教授", []string{"social_work", "community_governance", "evaluation"}, "",
		"长期从事社区治理与社会工作评估研究。"},
	{"河海大学公共管理学院", "教授", []string{"management", "community_governance"}, "",
		"研究方向：基层治理与政府购买服务。"},
	{"南京师范大学社会发展学院", "讲师", []string{"children", "education", "social_work"}, "qiming",
		"兼任南京市建邺区启明社会工作服务中心督导，评审该机构申报项目须回避。"},
	{"南京理工大学公共事务学院", "副教授", []string{"evaluation", "management"}, "",
		"参与多个区级公益创投项目的第三方评估。"},
	{"六合区民政局社会组织管理科", "科长", []string{"management", "community_governance"}, "",
		"负责全区社会组织登记与等级评估。"},
	{"江苏葛江律师事务所", "合伙人律师", []string{"law"}, "",
		"街道法律顾问，熟悉政府采购与合同纠纷。"},
	{"南京宁华会计师事务所", "注册会计师", []string{"finance", "evaluation"}, "tongxin",
		"兼任南京市六合区同心社会工作服务中心理事，评审该机构申报项目须回避。"},
	{"六合区人民医院老年医学科", "主任医师", []string{"health", "elderly"}, "",
		"从事老年慢病管理与医养结合服务。"},
	{"南京特殊教育师范学院", "副教授", []string{"disability", "education"}, "yixin",
		"为南京市六合区益心残障人士康复服务中心提供专业督导，评审该机构申报项目须回避。"},
	{"江苏省社会工作协会", "高级社会工作师", []string{"social_work", "evaluation", "elderly"}, "",
		"省社会工作督导人才库成员。"},
	{"南京财经大学会计学院", "副教授", []string{"finance", "management"}, "",
		"研究非营利组织财务管理与审计。"},
	{"六合区卫生健康委员会", "副主任", []string{"health", "community_governance"}, "",
		"分管基层卫生与家庭医生签约服务。"},
}
