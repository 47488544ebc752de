/**
 * Charts that move together: a zoom or pan in one sets the same logical range in the others,
 * and the crosshair in one is drawn at the same time in the others (on each chart's first
 * series). For separate charts over the same dates, such as a run's equity and drawdown.
 */
import type { IChartApi, ISeriesApi, LogicalRange, MouseEventParams, SeriesType, Time } from 'lightweight-charts'
import { timeKey } from './mapping'

interface Member {
  chart: IChartApi
  series: ISeriesApi<SeriesType>
  values: Map<number, number>
  onRange: (range: LogicalRange | null) => void
  onCrosshair: (param: MouseEventParams) => void
}

export class ChartGroup {
  private members: Member[] = []
  private busy = false

  /** Join `chart`; `series` carries its crosshair, `values` its value by time. */
  add(chart: IChartApi, series: ISeriesApi<SeriesType>, points: { time: Time; value: number }[]): void {
    this.remove(chart)
    const member: Member = {
      chart,
      series,
      values: new Map(points.map((p) => [timeKey(p.time), p.value])),
      onRange: (range) => this.each(member, (other) => range && other.chart.timeScale().setVisibleLogicalRange(range)),
      onCrosshair: (param) => this.each(member, (other) => this.follow(other, param.time)),
    }
    chart.timeScale().subscribeVisibleLogicalRangeChange(member.onRange)
    chart.subscribeCrosshairMove(member.onCrosshair)
    this.members.push(member)
  }

  remove(chart: IChartApi): void {
    const member = this.members.find((m) => m.chart === chart)
    if (!member) return
    chart.timeScale().unsubscribeVisibleLogicalRangeChange(member.onRange)
    chart.unsubscribeCrosshairMove(member.onCrosshair)
    this.members = this.members.filter((m) => m !== member)
  }

  private each(source: Member, act: (other: Member) => void): void {
    if (this.busy) return
    this.busy = true
    try {
      for (const other of this.members) if (other !== source) act(other)
    } finally {
      this.busy = false
    }
  }

  private follow(member: Member, time: Time | undefined): void {
    const value = time === undefined ? undefined : member.values.get(timeKey(time))
    if (time === undefined || value === undefined) member.chart.clearCrosshairPosition()
    else member.chart.setCrosshairPosition(value, time, member.series)
  }
}
