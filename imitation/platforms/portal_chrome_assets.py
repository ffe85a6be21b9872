"""The inline CSS and scripts a county portal's CMS template writes into every page.

Real templates inline their header and footer styles and the scripts for the menu, tabs, font
size, elder mode and the visit counter (besides the stylesheets and libraries they link). Only
the colours, the counter and which optional parts a template has change from site to site.
"""

from __future__ import annotations

# Theme colours county templates use: government red, blue, green.
THEMES = (
    ("#c4161c", "#a10f14", "#fdf3f3"),
    ("#0a5ca8", "#07467f", "#eef5fc"),
    ("#1f7a3e", "#17602f", "#eff8f2"),
    ("#b8860b", "#8f6908", "#fbf7ec"),
)

BASE_STYLE = """
*{margin:0;padding:0;box-sizing:border-box}body{font:14px/1.6 "Microsoft YaHei","微软雅黑",SimSun,Arial,sans-serif;color:#333;background:#fff}
a{color:#333;text-decoration:none}a:hover{color:{main};text-decoration:underline}ul,ol,li{list-style:none}img{border:0;vertical-align:middle}
.w1200{width:1200px;margin:0 auto}.clearfix:after{content:"";display:block;clear:both;height:0;visibility:hidden}.fl{float:left}.fr{float:right}
.gov-topbar{height:36px;line-height:36px;background:{light};border-bottom:1px solid #e5e5e5;font-size:13px;color:#666}
.gov-topbar a{margin-left:12px;color:#666}.gov-topbar a:hover{color:{main}}.gov-topbar .weather{margin-left:16px}
.gov-qr{position:relative;display:inline-block}.gov-qr img{display:none;position:absolute;top:36px;left:-20px;width:110px;height:110px;padding:5px;background:#fff;border:1px solid #ddd;z-index:99}
.gov-qr:hover img{display:block}.gov-head{height:150px;background:{main} url(/images/head_bg.jpg) no-repeat center top}
.gov-logo{float:left;padding-top:38px}.gov-logo img{height:72px}
.gov-search{float:right;width:420px;padding-top:48px}.gov-search input[type=text]{width:340px;height:38px;padding:0 12px;border:0;border-radius:4px 0 0 4px;outline:none}
.gov-search button{width:80px;height:38px;border:0;border-radius:0 4px 4px 0;background:{dark};color:#fff;cursor:pointer;font-size:15px}
.gov-search .hot{margin-top:8px;color:#fff;font-size:12px}.gov-search .hot a{color:#fff;margin-right:10px}
.gov-nav{height:52px;background:{dark};position:relative;z-index:50}.gov-nav li{float:left;position:relative}
.gov-nav li a.nav-a,.gov-nav .nav-home a{display:block;height:52px;line-height:52px;padding:0 26px;color:#fff;font-size:17px}
.gov-nav li.on a.nav-a,.gov-nav li a.nav-a:hover{background:{main};text-decoration:none}
.nav-sub{display:none;position:absolute;top:52px;left:0;width:640px;padding:14px 10px;background:#fff;border:1px solid #ddd;border-top:3px solid {main};box-shadow:0 4px 10px rgba(0,0,0,.12)}
.nav-sub a{display:inline-block;width:25%;height:34px;line-height:34px;text-align:center;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;color:#444}
.nav-sub a:hover{color:{main};background:{light}}.gov-nav li:hover .nav-sub{display:block}
.gov-mnav{position:fixed;top:0;left:0;right:0;bottom:0;background:rgba(0,0,0,.92);z-index:999;overflow:auto;padding:20px}
.gov-mnav dl{margin-bottom:14px}.gov-mnav dt a{color:#fff;font-size:18px}.gov-mnav dd{display:inline-block;margin:6px 12px 0 0}.gov-mnav dd a{color:#ccc}
.mnav-close{text-align:right}.mnav-close a{color:#fff;font-size:16px}
.position{height:44px;line-height:44px;border-bottom:1px solid #e5e5e5;color:#666}.position a{color:#666}
.main{padding:20px 0 40px;min-height:500px}.left{float:left;width:260px}.right{float:right;width:910px}
.xxgk-meta table{width:100%;border-collapse:collapse;margin-bottom:20px;background:#f8f8f8}.xxgk-meta td{padding:8px 12px;border:1px solid #e5e5e5}
.article h1.title{font-size:26px;line-height:40px;text-align:center;color:{main};padding:20px 0 12px;font-weight:bold}
.article .info{text-align:center;color:#888;font-size:13px;padding-bottom:12px;border-bottom:1px dashed #ccc;margin-bottom:24px}
.article .info a{margin-left:10px;color:#888}#zoom{font-size:16px;line-height:2;text-align:justify}#zoom p{margin-bottom:10px}
#zoom table{margin:10px auto;border-collapse:collapse}#zoom td{border:1px solid #000;padding:4px 6px;font-size:14px;line-height:1.5}
.fujian{margin-top:30px;padding:12px 18px;background:{light};border:1px dashed {main}}.fujian a{color:{main}}
.list li{height:40px;line-height:40px;border-bottom:1px dashed #ddd;padding-left:16px;background:url(/images/dot.png) no-repeat 4px center}
.list li a{float:left;width:760px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}.list li .date{float:right;color:#999}
.page{text-align:center;padding:30px 0}.page a,.page span{display:inline-block;padding:4px 12px;margin:0 3px;border:1px solid #ddd}
.page a:hover,.page .current{background:{main};color:#fff;border-color:{main}}
.gov-yqlj{padding:18px 0;background:#f5f5f5;border-top:2px solid {main}}.gov-yqlj span{float:left;line-height:34px;font-weight:bold;color:{main}}
.yqlj-box{float:left;width:236px;margin-left:14px}.yqlj-box select{width:100%;height:34px;border:1px solid #ddd;color:#555;padding:0 6px}
.gov-foot{padding:26px 0;background:{dark};color:#fff;text-align:center;font-size:13px;line-height:2}.gov-foot a{color:#fff;margin:0 6px}
.foot-badges{margin-top:10px}.foot-badges img{height:56px;margin:0 10px}
#gov-backtop{position:fixed;right:20px;bottom:60px;width:46px;height:46px;background:{main} url(/images/top.png) no-repeat center;display:none;cursor:pointer;border-radius:4px}
"""
# Parts only some templates have.
ELDER_STYLE = """
body.aged{font-size:18px}body.aged .gov-nav li a.nav-a{font-size:22px;padding:0 20px}body.aged #zoom{font-size:22px;line-height:2.2}
body.aged .list li{height:52px;line-height:52px;font-size:19px}body.aged .gov-topbar{font-size:16px}body.aged .gov-foot{font-size:16px}
body.aged a:hover{background:#ff0;color:#000}body.aged .nav-sub a{font-size:18px;height:44px;line-height:44px}
"""
NARROW_STYLE = """
@media screen and (max-width:1200px){.w1200{width:100%;padding:0 12px}.right{width:auto;float:none}.left{display:none}}
@media screen and (max-width:768px){.gov-topbar,.gov-search,.gov-nav,.gov-yqlj{display:none}.gov-head{height:80px;background-size:cover}
.gov-logo{padding-top:12px}.gov-logo img{height:52px}.article h1.title{font-size:20px;line-height:30px}#zoom{font-size:17px}
#zoom table{width:100%!important;display:block;overflow-x:auto}.list li a{width:70%}.foot-badges img{height:40px}.gov-mnav-btn{display:block}}
"""

BASE_SCRIPT = """
var govFont = { size: 16, zoom: function (step) {
  this.size = step === 0 ? 16 : Math.max(12, Math.min(24, this.size + 2 * step));
  var box = document.getElementById("zoom"); if (box) { box.style.fontSize = this.size + "px"; }
  var ps = box ? box.getElementsByTagName("p") : [];
  for (var i = 0; i < ps.length; i++) { ps[i].style.fontSize = this.size + "px"; }
} };
(function () {
  var days = ["日", "一", "二", "三", "四", "五", "六"], now = new Date();
  var today = document.getElementById("gov-today");
  if (today) { today.innerHTML = "今天是：" + now.getFullYear() + "年" + (now.getMonth() + 1) + "月" +
    now.getDate() + "日 星期" + days[now.getDay()]; }
})();
$(function () {
  $(".gov-nav .nav-item").hover(function () {
    $(this).addClass("on").siblings().removeClass("on");
    $(this).find(".nav-sub").stop(true, true).slideDown(200);
  }, function () {
    $(this).removeClass("on").find(".nav-sub").stop(true, true).slideUp(150);
  });
  var path = location.pathname;
  $(".gov-nav .nav-item > a").each(function () {
    var href = $(this).attr("href");
    if (href && href !== "/" && path.indexOf(href) === 0) { $(this).parent().addClass("on"); }
  });
  $(".tab-hd li").mouseover(function () {
    var i = $(this).index();
    $(this).addClass("cur").siblings().removeClass("cur");
    $(this).parents(".tab").find(".tab-bd .tab-item").eq(i).show().siblings().hide();
  });
  $("#gov-mnav .mnav-close a, .gov-mnav-btn").click(function () { $("#gov-mnav").toggle(); });
  $(window).scroll(function () { $(this).scrollTop() > 300 ? $("#gov-backtop").fadeIn() : $("#gov-backtop").fadeOut(); });
  $("#gov-backtop").click(function () { $("html,body").animate({ scrollTop: 0 }, 300); });
  $("#gov-aged").click(function () {
    $("body").toggleClass("aged");
    $(this).text($("body").hasClass("aged") ? "退出长者模式" : "长者模式");
    try { localStorage.setItem("govAged", $("body").hasClass("aged") ? "1" : "0"); } catch (e) {}
  });
  try { if (localStorage.getItem("govAged") === "1") { $("body").addClass("aged"); } } catch (e) {}
  $(".gov-qr").hover(function () { $(this).find("img").show(); }, function () { $(this).find("img").hide(); });
  $("#zoom img").each(function () { if ($(this).width() > 860) { $(this).css({ width: "100%", height: "auto" }); } });
  $("#zoom a[href$='.pdf'], #zoom a[href$='.doc'], #zoom a[href$='.docx'], .fujian a").attr("target", "_blank");
});
"""
COUNTER_SCRIPT = """
(function () {
  var visits = {visits}, base = {base};
  var box = document.getElementById("gov-visits");
  if (box) { box.innerHTML = "访问量：" + (base + visits).toString().replace(/\\B(?=(\\d{3})+(?!\\d))/g, ","); }
  var img = new Image();
  img.src = "/counter/count.jsp?siteCode={code}0001&r=" + Math.random();
  var hits = document.getElementById("hits");
  if (hits) { hits.innerHTML = visits % 5000 + 100; }
})();
"""
IE_SCRIPT = """
(function () {
  var ua = navigator.userAgent.toLowerCase(), ie = ua.match(/msie ([\\d.]+)/);
  if (ie && parseInt(ie[1], 10) < 9) {
    var tip = document.createElement("div");
    tip.className = "ie-tip";
    tip.innerHTML = "您的浏览器版本过低，为获得更好的浏览体验，请升级浏览器或使用极速模式。";
    document.body.insertBefore(tip, document.body.firstChild);
  }
  if (/iphone|android|mobile/.test(ua) && document.getElementById("gov-mnav")) {
    document.body.className += " mobile";
  }
})();
"""


def inline_style(seed: int) -> str:
    main, dark, light = THEMES[seed % len(THEMES)]
    style = BASE_STYLE
    if seed % 2:
        style += ELDER_STYLE
    if seed % 5:
        style += NARROW_STYLE
    return style.replace("{main}", main).replace("{dark}", dark).replace("{light}", light)


def inline_script(region_code: str, seed: int) -> str:
    counter = (
        COUNTER_SCRIPT.replace("{visits}", str(seed % 9_000_000))
        .replace("{base}", str(10_000_000 + seed % 7919))
        .replace("{code}", region_code)
    )
    return BASE_SCRIPT + counter + (IE_SCRIPT if seed % 3 else "")
