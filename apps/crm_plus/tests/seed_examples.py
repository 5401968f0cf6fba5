"""Rows of the customer database in seed 002 (迅捷物流速运有限公司客户数据库), used as examples."""

from datetime import date

ENTERPRISES = [
	# name, address, phone, main business, key person's age, hobby, note
	("苏宁电器", "河北大街1号", "0335-6666", "家电销售", 55, "高尔夫", "秘书电话"),
	("国美电器", "建设大街2号", "0335-8888", "家电销售", 47, "保龄球", ""),
	("广源超市", "秦皇大街3号", "0335-2222", "超市销售", 39, "登山健身", ""),
	("兴龙置业", "文化大街5号", "0335-1111", "房地产等", 56, "打麻将", ""),
]
INDIVIDUALS = [
	# name, address, landline, birth date, occupation, hobby, note
	("刘雁峰", "河涧里", "0335-9876", date(1987, 1, 9), "教师", "读书", "生日"),
	("孟晓波", "文化里", "0335-1234", date(1988, 8, 21), "军人", "射击", ""),
	("刘学丽", "工农里", "0335-1239", date(1989, 12, 9), "商人", "看书", ""),
	("牛竹红", "白塔岭", "033-5145", date(1988, 3, 12), "工人", "打球", ""),
]
