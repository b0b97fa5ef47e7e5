// Screenshots for review (not part of the product): go run ./.shots USER OUT STEP...
// STEP: url=PATH | js=CODE (run, then wait for load) | shot=NAME | sleep=MS | type=SELECTOR|TEXT
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

func main() {
	base := "http://127.0.0.1:18086"
	user, out := os.Args[1], os.Args[2]
	steps := os.Args[3:]
	for _, width := range []int{1280, 390} {
		opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox,
			chromedp.Headless, chromedp.DisableGPU, chromedp.WindowSize(width, 900), chromedp.Flag("lang", "zh-CN"))
		actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel2 := chromedp.NewContext(actx)
		ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
		if width < 500 {
			chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch))
		}
		var err error
		for _, pw := range []string{"Shots-Review-2026x", "Gongzhi-Demo-2026"} {
			err = chromedp.Do(ctx, chromedp.Navigate(base+"/login"),
				chromedp.SendKeys(chromedp.CSS(`input[name=username]`), user), chromedp.SendKeys(chromedp.CSS(`input[name=password]`), pw),
				chromedp.Sleep(300*time.Millisecond), chromedp.Submit(chromedp.CSS(`input[name=password]`)), chromedp.Sleep(2000*time.Millisecond))
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			if !strings.Contains(loc, "/login") {
				break
			}
		}
		chromedp.Run(ctx, chromedp.Evaluate[any](`(function(){var p=document.querySelectorAll("input[type=password]");if(p.length==3){p[0].value="Gongzhi-Demo-2026";p[1].value="Shots-Review-2026x";p[2].value="Shots-Review-2026x";p[0].form.submit()}return 1})()`))
		chromedp.Do(ctx, chromedp.Sleep(1500*time.Millisecond))
		if err != nil {
			fmt.Println("login:", err)
		}
		for _, st := range steps {
			k, v, _ := strings.Cut(st, "=")
			switch k {
			case "url":
				err = chromedp.Do(ctx, chromedp.Navigate(base+v), chromedp.Sleep(500*time.Millisecond))
			case "js":
				_, err = chromedp.Run(ctx, chromedp.Evaluate[any](v))
				chromedp.Do(ctx, chromedp.Sleep(1500*time.Millisecond))
			case "sleep":
				n, _ := strconv.Atoi(v)
				err = chromedp.Do(ctx, chromedp.Sleep(time.Duration(n)*time.Millisecond))
			case "type":
				sel, text, _ := strings.Cut(v, "|")
				err = chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel), text), chromedp.Sleep(1200*time.Millisecond))
			case "shot":
				var buf []byte
				buf, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err == nil {
					name := fmt.Sprintf("%s/%s-%d.png", out, v, width)
					os.WriteFile(name, buf, 0o644)
					fmt.Println(name)
				}
			}
			if err != nil {
				fmt.Println(st, err)
			}
		}
		cancel3()
		cancel2()
		cancel()
	}
}
